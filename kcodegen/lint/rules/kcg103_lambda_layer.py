"""KCG103: ``Lambda`` layers wrapping a Python ``lambda``."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from kcodegen.lint.rule import Finding, Invalid, LintContext, Rule
from kcodegen.lint.rules._ast import argument, finding, index

_LAMBDA = "keras.layers.Lambda"


class LambdaLayer(Rule):
    """What it finds: a ``keras.layers.Lambda`` layer whose function is a Python ``lambda``.

    Why it matters: the model saves the lambda as Python bytecode, and Keras 3 refuses to load
    it by default: "Requested the deserialization of a `Lambda` layer whose `function` is a
    Python lambda" (loading needs ``safe_mode=False``, i.e. trusting arbitrary code, and the same
    Python version). The layer is also opaque to summaries and to conversion between model
    styles. A small Layer subclass, or a ``keras.ops`` call in a Functional model, serialises by
    name.

    Example:
        x = layers.Lambda(lambda t: t / 255.0)(inputs)

    Use instead:
        x = layers.Rescaling(1 / 255.0)(inputs)

        @keras.saving.register_keras_serializable()
        class Scale(layers.Layer):
            def call(self, t):
                return t / 255.0
    """

    code = "KCG103"
    name = "lambda-layer"
    message = "a Lambda layer with a Python lambda cannot be loaded safely; use a Layer subclass"
    needs = "text"
    triggers = ("Lambda",)

    VALID = (
        "from keras import layers\nx = layers.Rescaling(1 / 255.0)(inputs)\n",
        "from keras import layers\n\ndef scale(t):\n    return t / 255\n\n"
        "x = layers.Lambda(scale)(inputs)\n",  # a named function serialises by name
        "Lambda = make\nx = Lambda(lambda t: t)(inputs)\n",
    )
    INVALID = (
        Invalid("from keras import layers\n\nx = layers.Lambda(lambda t: t / 255.0)(inputs)\n", 3),
        Invalid(
            "import tensorflow as tf\n\n"
            "layer = tf.keras.layers.Lambda(function=lambda t: tf.reduce_sum(t, axis=1))\n",
            3,
        ),
        Invalid("from keras.layers import Lambda\n\nsquare = Lambda(lambda t: t**2)\n", 3),
        Invalid("import keras as K\n\nhalf = K.layers.Lambda(lambda t: t / 2)\n", 3),
    )

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        found = index(ctx)
        for call in found.calls:
            if isinstance(argument(call, 0, "function"), ast.Lambda) and (
                found.resolve(call.func) == _LAMBDA
            ):
                yield finding(self, ctx, call)
