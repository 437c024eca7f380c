"""KCG306: a softmax/sigmoid output compiled with a ``from_logits=True`` loss."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from kcodegen.ir import LayerSpec, ModelGraph
from kcodegen.lint.rule import Finding, Invalid, LintContext, Rule
from kcodegen.lint.rules._ast import (
    Index,
    argument,
    constant,
    dotted_name,
    finding,
    index,
    keyword,
    method_calls,
)
from kcodegen.lint.rules._models import output_layers

_SQUASHING = ("softmax", "sigmoid")


class ActivationWithLogitsLoss(Rule):
    """What it finds: a model whose output layer ends in ``softmax`` or ``sigmoid`` (an
    ``activation=`` argument, a ``Softmax`` or an ``Activation`` layer), compiled in the same file
    with a loss created with ``from_logits=True``.

    Why it matters: ``from_logits=True`` tells the loss that the outputs are raw scores and makes
    it apply softmax (or sigmoid) itself, so the activation is applied twice. Nothing fails: the
    model trains slowly, to worse accuracy, and the probabilities it reports are wrong. Keep one
    of the two: an output without activation and ``from_logits=True`` is the numerically stable
    choice.

    Example:
        model = keras.Sequential([keras.Input((784,)), layers.Dense(10, activation="softmax")])
        model.compile(loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))

    Use instead:
        model = keras.Sequential([keras.Input((784,)), layers.Dense(10)])
        model.compile(loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    """

    code = "KCG306"
    name = "activation-with-logits-loss"
    message = "the output already applies an activation; a from_logits=True loss applies it again"
    needs = "models"
    triggers = ("from_logits",)

    VALID = (
        "import keras\nfrom keras import layers\n\n"
        "model = keras.Sequential([keras.Input((784,)), layers.Dense(10)])\n"
        "model.compile(loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))\n",
        "import keras\nfrom keras import layers\n\n"
        "model = keras.Sequential([keras.Input((784,)), layers.Dense(10, activation='softmax')])\n"
        "model.compile(loss=keras.losses.SparseCategoricalCrossentropy())\n",
        "import keras\nfrom keras import layers\n\n"
        "model = keras.Sequential([keras.Input((784,)), layers.Dense(10, activation='softmax')])\n"
        "other.compile(loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))\n",
    )
    INVALID = (
        Invalid(
            "import keras\nfrom keras import layers\n\n"
            "model = keras.Sequential([keras.Input((784,)), layers.Dense(10, activation='softmax')])\n"
            "model.compile(\n    optimizer='adam',\n"
            "    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),\n)\n",
            7,
        ),
        Invalid(
            "import tensorflow as tf\n\ndef build():\n    inputs = tf.keras.Input((4,))\n"
            "    x = tf.keras.layers.Dense(1)(inputs)\n"
            "    outputs = tf.keras.layers.Activation('sigmoid')(x)\n"
            "    return tf.keras.Model(inputs, outputs)\n\n"
            "loss = tf.keras.losses.BinaryCrossentropy(from_logits=True)\n"
            "net = build()\nnet.compile(optimizer='adam', loss=loss)\n",
            9,
        ),
    )

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        found = index(ctx)
        compiled = [
            (call, func.value)
            for call, func in method_calls(found, "compile")
            if isinstance(func.value, ast.Name)
        ]
        if not any(_logits_loss(found, call) for call, _ in compiled):
            return
        for graph in ctx.parsed.models:
            squashing = next(filter(None, map(_squashing, output_layers(graph))), None)
            if squashing is None:
                continue
            names = _holders(found, graph)
            for call, receiver in compiled:
                logits = _logits_loss(found, call)
                if logits is not None and isinstance(receiver, ast.Name) and receiver.id in names:
                    message = f"the output already applies {squashing}; a from_logits=True loss applies it again"
                    yield finding(self, ctx, logits, message)


def _squashing(layer: LayerSpec) -> str | None:
    """``softmax``/``sigmoid`` when the layer ends in one."""
    short = layer.cls.rsplit(".", 1)[-1]
    if short == "Softmax":
        return "softmax"
    written = layer.kwarg("activation") or (
        layer.args[0] if short == "Activation" and layer.args else None
    )
    if written is None:
        return None
    try:
        value = ast.literal_eval(written)
    except (ValueError, SyntaxError):
        return None
    return value if value in _SQUASHING else None


def _logits_loss(found: Index, compile_call: ast.Call) -> ast.keyword | None:
    """The ``from_logits=True`` of the loss given to ``compile``, directly or through a variable."""
    value = argument(compile_call, 1, "loss")
    if isinstance(value, ast.Name):
        value = found.single_value(value.id)
    if not isinstance(value, ast.Call):
        return None
    logits = keyword(value, "from_logits")
    return logits if logits is not None and constant(logits.value) is True else None


def _holders(found: Index, graph: ModelGraph) -> set[str]:
    """Variables that hold the model: its binding, or those assigned from its builder function."""
    if graph.site.binding:
        return {graph.site.binding}
    return {
        name
        for name, values in found.assigned.items()
        if any(isinstance(v, ast.Call) and dotted_name(v.func) == graph.name for v in values)
    }
