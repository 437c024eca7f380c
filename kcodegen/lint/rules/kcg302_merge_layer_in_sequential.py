"""KCG302: a merge layer (Concatenate, Add, ...) inside a Sequential model."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from kcodegen.frontend.keras_api import MERGE_LAYERS
from kcodegen.lint.rule import Finding, Invalid, LintContext, Rule
from kcodegen.lint.rules._ast import Index, finding, index
from kcodegen.lint.rules._sequential import add_calls, listed_layers, sequential_calls


class MergeLayerInSequential(Rule):
    """What it finds: ``Concatenate``, ``Add``, ``Multiply``, ``Average``, ``Maximum``,
    ``Minimum``, ``Subtract`` or ``Dot`` in a Sequential model's layer list or ``.add()``.

    Why it matters: a merge layer combines several tensors, but a Sequential model hands each layer
    the single output of the one before, so building the model fails: "A `Concatenate` layer
    should be called on a list of at least 1 input". Branches that meet again need the Functional
    API (``kcg convert --to functional`` rewrites the model).

    Example:
        model = keras.Sequential([
            keras.Input(shape=(8,)),
            layers.Dense(4),
            layers.Concatenate(),
        ])

    Use instead:
        inputs = keras.Input(shape=(8,))
        x = layers.Dense(4)(inputs)
        outputs = layers.Concatenate()([inputs, x])
        model = keras.Model(inputs, outputs)
    """

    code = "KCG302"
    name = "merge-layer-in-sequential"
    message = "a merge layer needs several inputs; a Sequential model passes one tensor along"
    needs = "text"
    triggers = ("Sequential",)

    VALID = (
        "import keras\nfrom keras import layers\n\n"
        "model = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(4)])\n",
        "import keras\nfrom keras import layers\n\n"
        "a = keras.Input(shape=(8,))\nx = layers.Concatenate()([a, a])\n"
        "model = keras.Model(a, x)\n",
        "import keras\n\nmodel = keras.Sequential([layers.Add()])\n",  # unknown `layers`
    )
    INVALID = (
        Invalid(
            "import keras\nfrom keras import layers\n\n"
            "model = keras.Sequential([\n    keras.Input(shape=(8,)),\n    layers.Dense(4),\n"
            "    layers.Concatenate(),\n])\n",
            7,
        ),
        Invalid(
            "from tensorflow.keras.models import Sequential\n"
            "from tensorflow.keras.layers import Add, Dense\n\n"
            "model = Sequential()\nmodel.add(Dense(4))\nmodel.add(Add())\n",
            6,
        ),
        Invalid(
            "import keras\n\nmerge = keras.layers.Multiply()\n"
            "model = keras.Sequential([keras.layers.Dense(2), merge])\n",
            4,
        ),
    )

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        found = index(ctx)
        layers = [item for call in sequential_calls(found) for item in listed_layers(call)]
        layers += [layer for _, _, layer in add_calls(found)]
        for layer in layers:
            merge = _merge_class(found, layer)
            if merge:
                short = merge.rsplit(".", 1)[-1]
                message = f"`{short}` merges several tensors; a Sequential model passes one along (use the Functional API)"
                yield finding(self, ctx, layer, message)


def _merge_class(found: Index, layer: ast.expr) -> str | None:
    if isinstance(layer, ast.Name):
        value = found.single_value(layer.id)
        layer = value if value is not None else layer
    if isinstance(layer, ast.Call):
        cls = found.resolve(layer.func)
        return cls if cls in MERGE_LAYERS else None
    return None
