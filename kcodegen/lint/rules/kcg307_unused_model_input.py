"""KCG307: a Functional model input that no output depends on."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from kcodegen.frontend.keras_api import MODEL
from kcodegen.ir import ModelGraph
from kcodegen.lint.rule import Finding, Invalid, LintContext, Rule
from kcodegen.lint.rules._ast import Index, argument, index
from kcodegen.lint.rules._models import at_span, model_span


class UnusedModelInput(Rule):
    """What it finds: an input of a Functional model that none of its outputs depends on.

    Why it matters: Keras builds the model without a word, and then every ``fit`` and
    ``predict`` has to be fed data that the model ignores. It is nearly always a wiring mistake
    (a branch built from the wrong tensor, a merge that leaves one input out), and the model
    quietly learns from less than the author thinks.

    Example:
        image = keras.Input(shape=(64,))
        meta = keras.Input(shape=(8,))
        x = layers.Dense(32)(image)
        model = keras.Model([image, meta], layers.Dense(1)(x))

    Use instead:
        image = keras.Input(shape=(64,))
        meta = keras.Input(shape=(8,))
        x = layers.Concatenate()([layers.Dense(32)(image), meta])
        model = keras.Model([image, meta], layers.Dense(1)(x))
    """

    code = "KCG307"
    name = "unused-model-input"
    message = "no output depends on this input; the model ignores the data fed to it"
    needs = "models"
    triggers = ("Model(",)

    VALID = (
        "import keras\nfrom keras import layers\n\na = keras.Input(shape=(4,))\nb = keras.Input(shape=(4,))\n"
        "x = layers.Concatenate()([a, b])\nmodel = keras.Model([a, b], layers.Dense(1)(x))\n",
        "import keras\nfrom keras import layers\n\na = keras.Input(shape=(4,))\n"
        "model = keras.Model(a, layers.Dense(1)(a))\n",
        "import keras\nfrom keras import layers\n\na = keras.Input(shape=(4,))\nb = keras.Input(shape=(4,))\n"
        "model = keras.Model({'a': a, 'b': b}, [layers.Dense(1)(a), layers.Dense(1)(b)])\n",
    )
    INVALID = (
        Invalid(
            "import keras\n\nimage = keras.Input(shape=(64,))\nmeta = keras.Input(shape=(8,))\n"
            "inputs = [image, meta]\noutputs = keras.layers.Dense(1)(meta)\n"
            "model = keras.Model(inputs, outputs)\n",
            3,
        ),
        Invalid(
            "import keras\nfrom keras import layers\n\nimage = keras.Input(shape=(64,))\n"
            "meta = keras.Input(shape=(8,))\nx = layers.Dense(32)(image)\n"
            "model = keras.Model([image, meta], layers.Dense(1)(x))\n",
            5,
        ),
        Invalid(
            "from tensorflow.keras import Input, Model, layers\n\n"
            "def build():\n    a = Input(shape=(4,))\n    b = Input(shape=(4,))\n"
            "    merged = layers.add([a, a])\n    return Model(inputs=[a, b], outputs=merged)\n",
            5,
        ),
    )

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        found = index(ctx)
        if not any(
            found.resolve(call.func) == MODEL
            and _several_inputs(found, argument(call, 0, "inputs"))
            for call in found.calls
        ):
            return  # no model with several inputs: spare the interpreter
        for graph in ctx.parsed.models:
            if graph.style != "functional" or len(graph.inputs) < 2:
                continue
            used = _feeding_outputs(graph)
            for spec in graph.inputs:
                if spec.tensor not in used:
                    message = f"no output depends on input `{spec.name}`; the model ignores the data fed to it"
                    yield at_span(self, spec.span or model_span(graph), message)


def _several_inputs(found: Index, inputs: ast.expr | None) -> bool:
    """Several inputs written out, or in a variable assigned them once."""
    if isinstance(inputs, ast.Name):
        inputs = found.single_value(inputs.id)
    if isinstance(inputs, ast.List | ast.Tuple):
        return len(inputs.elts) > 1
    if isinstance(inputs, ast.Dict):
        return len(inputs.keys) > 1
    return False


def _feeding_outputs(graph: ModelGraph) -> set[str]:
    """Tensor ids the outputs are computed from (the outputs included)."""
    seen: set[str] = set()
    pending = list(graph.output_structure.tensors)
    while pending:
        tensor_id = pending.pop()
        if tensor_id in seen:
            continue
        seen.add(tensor_id)
        producer = graph.step_by_id[graph.tensor_by_id[tensor_id].producer]
        pending.extend(graph.step_inputs(producer))
    return seen
