"""KCG101: a Functional model that is a single chain of layers."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from kcodegen.analysis.expressibility import reasons_against
from kcodegen.analysis.facts import facts
from kcodegen.frontend.keras_api import INPUT, MODEL
from kcodegen.lint.rule import Finding, Invalid, LintContext, Rule
from kcodegen.lint.rules._ast import argument, index
from kcodegen.lint.rules._models import at_span, model_span


class SingleChainFunctional(Rule):
    """What it finds: a Functional model (``keras.Model(inputs, outputs)``) with one input and
    one output, whose layers each feed only the next: no branches, merges, shared layers,
    operations between layers or call arguments such as ``training=``.

    Why it matters: that is exactly what ``keras.Sequential`` expresses, in half the lines and
    without naming every intermediate tensor. The Functional form pays off once the model
    branches; ``kcg convert --to sequential`` rewrites it, keeping layer names and weights
    interchangeable.

    Example:
        inputs = keras.Input(shape=(784,))
        x = layers.Dense(64, activation="relu")(inputs)
        outputs = layers.Dense(10)(x)
        model = keras.Model(inputs, outputs)

    Use instead:
        model = keras.Sequential([
            keras.Input(shape=(784,)),
            layers.Dense(64, activation="relu"),
            layers.Dense(10),
        ])
    """

    code = "KCG101"
    name = "single-chain-functional"
    message = (
        "this Functional model is a single chain of layers; a Sequential model says it more simply"
    )
    default = False  # a matter of taste: opt in with select or extend-select
    needs = "models"
    triggers = ("Model(",)

    VALID = (
        "import keras\nfrom keras import layers\n\ninputs = keras.Input(shape=(8,))\n"
        "x = layers.Dense(4)(inputs)\ny = layers.Dense(4)(inputs)\n"
        "model = keras.Model(inputs, layers.Concatenate()([x, y]))\n",
        "import keras\nfrom keras import layers\n\n"
        "model = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(4)])\n",
        "import keras\nfrom keras import layers\n\ninputs = keras.Input(shape=(8,))\n"
        "x = layers.Dense(4)(inputs)\nmodel = keras.Model(inputs, [x, layers.Dense(2)(x)])\n",
        "import keras\nfrom keras import layers\n\ninputs = keras.Input(shape=(8,))\n"
        "x = layers.Dropout(0.5)(inputs, training=True)\nmodel = keras.Model(inputs, x)\n",
    )
    INVALID = (
        Invalid(
            "import keras\nfrom keras import layers\n\ninputs = keras.Input(shape=(784,))\n"
            "x = layers.Dense(64, activation='relu')(inputs)\noutputs = layers.Dense(10)(x)\n"
            "model = keras.Model(inputs, outputs)\n",
            7,
        ),
        Invalid(
            "from tensorflow.keras.models import Model\n"
            "from tensorflow.keras.layers import Input, Dense, Flatten\n\n"
            "def build():\n    inputs = Input(shape=(28, 28))\n    x = Flatten()(inputs)\n"
            "    return Model(inputs=inputs, outputs=Dense(10)(x))\n",
            7,
        ),
    )

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        found = index(ctx)
        with_input = {
            found.scope_of(call) for call in found.calls if found.resolve(call.func) == INPUT
        }
        if not any(
            found.resolve(call.func) == MODEL
            and found.scope_of(call) in with_input
            and not _several(argument(call, 0, "inputs"))
            and not _several(argument(call, 1, "outputs"))
            for call in found.calls
        ):
            return  # no Functional model of one input and one output here: spare the interpreter
        for graph in ctx.parsed.models:
            if graph.style != "functional" or not facts(graph).linear_chain:
                continue
            if not reasons_against(graph, "sequential"):
                name = graph.site.binding or graph.name
                message = (
                    f"`{name}` is a single chain of layers; a Sequential model says it more simply"
                )
                yield at_span(self, model_span(graph), message)


def _several(tensors: ast.expr | None) -> bool:
    """Several tensors written out as a list, tuple or dict."""
    if isinstance(tensors, ast.List | ast.Tuple):
        return len(tensors.elts) > 1
    return isinstance(tensors, ast.Dict) and len(tensors.keys) > 1
