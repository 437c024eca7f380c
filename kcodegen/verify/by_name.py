"""Copy a saved model's weights into the model generated from it, layer by layer, by name (worker
side: needs Keras).

The generator writes every layer's saved name (``name="conv2_block1_1_conv"``), but not always at
the same depth: a generated block class holds layers the saved model kept flat, a nested Sequential
may be written inline. So layers are matched by name over each whole model, nested models and
layers held by layers included, and each takes along only the weights it creates itself (a block's
weights go with the layers it holds).

A layer with weights whose name is its own on both sides is matched by it. The layers a layer
makes itself have names nobody wrote, and often the same ones: every ``MultiHeadAttention`` holds
a ``query``, both halves of a ``Bidirectional`` an ``lstm_cell``, and ``TimeDistributed(Dense(8))``
makes its ``Dense`` a fresh name. Such a layer is found from its nearest holder whose name is
unique in both models, by its place among that holder's layers (its maker made them in the same
order on both sides).
"""

from __future__ import annotations

import collections
from dataclasses import dataclass
from typing import Any

from kcodegen.verify.execution import Failed

_SHOWN = 5  # problems spelled out in a failure; the rest are counted

Key = tuple[str, tuple[int, ...]]  # the anchoring layer's name ("" for the model), then places


@dataclass(frozen=True)
class Owner:
    """A layer that creates weights itself, where it sits: the names and places of the layers
    that hold it, from the model down (itself last)."""

    layer: Any
    weights: list[Any]
    # Each holder from the model down, itself last: name, place, and whether its name is written
    # in code rather than made up by the layer holding it.
    path: tuple[tuple[str, int, bool], ...]

    @property
    def authored(self) -> bool:
        return not self.path or self.path[-1][2]


def copy_by_name(saved: Any, generated: Any, path: str) -> int:
    """Copy every weight of ``saved`` into ``generated``; the number of arrays copied. Raises
    Failed ("correspondence") unless each layer with weights has exactly one counterpart with
    weights of the same shapes on the other side. ``path`` is the generated module's, for the
    message."""
    ours, theirs = owners(saved), owners(generated)
    # Names of layers another layer made are the session's counters (``embedding_3``): equal
    # names on both sides may be different layers. Only the saved model's own layers go by name.
    authored = {o.path[-1][0] for o in ours if o.path and o.authored}
    named = _unique_names(ours, weighted=True) & _unique_names(theirs, weighted=True) & authored
    # A holder anchors what it made by a name one written layer has (a custom layer may name
    # what it makes after itself, or as another made elsewhere).
    anchors = _unique_names([o for o in ours if o.authored]) & _unique_names(
        [o for o in theirs if o.authored]
    )
    mine, other = _keyed(ours, named, anchors), _keyed(theirs, named, anchors)
    problems = _problems(mine, other)
    if problems:
        more = len(problems) - _SHOWN
        listed = "; ".join(problems[:_SHOWN]) + (f"; and {more} more" if more > 0 else "")
        raise Failed(
            "correspondence",
            f"{path}: the generated model's layers do not match the saved model's by name: {listed}",
        )
    copied = 0
    for key, source in mine.items():
        target = other[key]
        for variable, value in zip(target.weights, source.weights, strict=True):
            variable.assign(value)
        # What a preprocessing layer computes from its state (an adapted Normalization's mean),
        # as loading its variables does.
        finalize = getattr(target.layer, "finalize_state", None)
        if finalize is not None:
            finalize()
        copied += len(source.weights)
    return copied


def owners(model: Any) -> list[Owner]:
    """Every layer of ``model`` (nested ones included, each shared layer once) with the layers
    that hold it; those that create no weights themselves have none listed."""
    import keras

    found: list[Owner] = []
    seen: set[int] = set()
    stack: list[tuple[Any, tuple[tuple[str, int, bool], ...]]] = [(model, ())]
    while stack:
        layer, path = stack.pop()
        if id(layer) in seen:
            continue
        seen.add(id(layer))
        children = layer._flatten_layers(include_self=False, recursive=False)
        inner = {id(variable) for child in children for variable in child.weights}
        mine = [v for v in layer.weights if id(v) not in inner]
        found.append(Owner(layer, mine, path))
        # A model's layers, and those of the block classes the generated module defines (it runs
        # as ``__main__``), have the names written in the code.
        by_model = isinstance(layer, keras.Model) or type(layer).__module__ == "__main__"
        places = [
            (child, (*path, (child.name, index, by_model))) for index, child in enumerate(children)
        ]
        stack.extend(reversed(places))
    return found


def _unique_names(found: list[Owner], weighted: bool = False) -> set[str]:
    """The names one layer has (of those with weights, when ``weighted``): a generated block
    may share its name with a layer it holds."""
    names = [o.path[-1][0] for o in found if o.path and (o.weights or not weighted)]
    return {name for name, count in collections.Counter(names).items() if count == 1}


def _keyed(found: list[Owner], named: set[str], anchors: set[str]) -> dict[Key, Owner]:
    """The layers with weights by their own name when it is in ``named``, else by their nearest
    holder named in ``anchors`` and their places below it; the model itself anchors what no name
    does."""
    keyed: dict[Key, Owner] = {}
    for owner in found:
        if not owner.weights:
            continue
        names = [name for name, _, _ in owner.path]
        if names and names[-1] in named:
            keyed[names[-1], ()] = owner
            continue
        top = max(
            (i for i, (name, _, written) in enumerate(owner.path) if written and name in anchors),
            default=-1,
        )
        anchor = names[top] if top >= 0 else ""
        keyed[anchor, tuple(index for _, index, _ in owner.path[top + 1 :])] = owner
    return keyed


def _problems(mine: dict[Key, Owner], other: dict[Key, Owner]) -> list[str]:
    problems = []
    for key, owner in mine.items():
        if key not in other:
            problems.append(
                f"layer `{_label(owner)}` ({_describe(owner)}) of the saved model has no "
                "namesake with weights in the generated model"
            )
        elif _shapes(owner.weights) != _shapes(other[key].weights):
            problems.append(
                f"layer `{_label(owner)}` has weights {_shapes(owner.weights)} in the saved "
                f"model but {_shapes(other[key].weights)} in the generated model"
            )
    problems += [
        f"layer `{_label(owner)}` ({_describe(owner)}) of the generated model has no namesake "
        "with weights in the saved model"
        for key, owner in other.items()
        if key not in mine
    ]
    return problems


def _label(owner: Owner) -> str:
    """Its name, after its holders' where the name alone may not tell it: ``mha/query``."""
    return "/".join(name for name, _, _ in owner.path) or owner.layer.name


def _describe(owner: Owner) -> str:
    return f"{type(owner.layer).__name__}, weights {_shapes(owner.weights)}"


def _shapes(weights: list[Any]) -> str:
    return "[" + ", ".join(str(tuple(variable.shape)) for variable in weights) + "]"
