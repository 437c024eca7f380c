"""A saved model to a module in the style asked for: the library entry point. No TensorFlow.

The module is first written Functional (``module``); the other styles are the conversion of that
module, as for any source file, so they fit or are refused for the same reasons.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from kcodegen.analysis import Reason
from kcodegen.errors import BadInput
from kcodegen.ir import Style
from kcodegen.saved.config_graph import read_model
from kcodegen.saved.context import Context
from kcodegen.saved.files import read_saved
from kcodegen.saved.masks import drop_implicit_masks
from kcodegen.saved.module import write_module
from kcodegen.saved.wrap import wrap


@dataclass(frozen=True)
class SavedConversion:
    output: str  # the module in the style asked for; "" when refused
    functional: str  # the module written Functional, which the other styles are converted from
    to: Style
    refusals: tuple[Reason, ...] = ()  # why the style cannot express the model
    keras_version: str | None = None
    has_weights: bool = True
    # The modules of its custom classes: loading the saved model needs them imported.
    custom_modules: tuple[str, ...] = ()


def convert_saved(
    path: str, to: Style, *, variable: str = "model", custom_modules: Sequence[str] = ()
) -> SavedConversion:
    """The module for the model saved at ``path`` (``.keras``, ``.h5``, or ``.json``).

    Raises ``UnreadableModel`` for a file that is not a saved model and ``Unwritable`` for one
    kcg cannot write as code (a Lambda layer, a subclassed model, a custom class of no known
    module)."""
    saved = read_saved(path)
    return convert_config(
        saved.model,
        to,
        keras_version=saved.keras_version,
        variable=variable,
        custom_modules=custom_modules,
        has_weights=saved.has_weights,
    )


def convert_config(
    config: dict[str, Any],
    to: Style,
    *,
    keras_version: str | None,
    variable: str = "model",
    custom_modules: Sequence[str] = (),
    has_weights: bool = False,
) -> SavedConversion:
    """The same, from a serialized model (``json.loads(model.to_json())``)."""
    context = Context(keras_version, tuple(custom_modules))
    model = read_model(config)
    for graph in [*model.nested(), model]:
        drop_implicit_masks(graph)
    functional = wrap(write_module(model, context, variable))
    classes = context.custom_classes()
    modules = sorted({c.rsplit(".", 1)[0] for c in classes} | set(custom_modules))
    done = SavedConversion(
        functional, functional, to, (), keras_version, has_weights, tuple(modules)
    )
    if to == "functional":
        return done
    from kcodegen.convert import convert

    try:
        result = convert(functional, to, model=variable, layer_classes=classes)
    except BadInput as error:  # kcg cannot read the module it wrote itself
        why = f"kcg cannot convert the Functional module it wrote (a bug in kcg): {error.message}"
        return replace(done, output="", refusals=(Reason(0, why),))
    reasons = tuple(r for refusal in result.refusals for r in refusal.reasons)
    if not reasons and not result.converted and not result.unchanged:
        reasons = result.problems
    if reasons:
        return replace(done, output="", refusals=reasons)
    return replace(done, output=result.output)
