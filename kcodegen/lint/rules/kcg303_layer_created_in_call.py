"""KCG303: a layer created inside ``call()`` of a Layer or Model subclass."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from kcodegen.frontend.keras_api import LAYER_BASE, MODEL, SEQUENTIAL, is_layer_class
from kcodegen.lint.rule import Finding, Invalid, LintContext, Rule
from kcodegen.lint.rules._ast import Index, dotted_name, finding, index, subclasses_of

_BASES = (MODEL, LAYER_BASE, "keras.Layer")
# Layers without weights or random state: making one per call costs time, not correctness.
_STATELESS = re.compile(
    r"(Global)?(Max|Average|Avg)Pool(ing)?[123]D|(Cropping|ZeroPadding|UpSampling)[123]D"
    r"|Activation|ReLU|LeakyReLU|ELU|Softmax|Flatten|Reshape|Permute|RepeatVector|Identity"
    r"|Masking|Rescaling|Resizing|CenterCrop|UnitNormalization|Concatenate|Add|Subtract"
    r"|Multiply|Average|Maximum|Minimum|Dot"
)


class LayerCreatedInCall(Rule):
    """What it finds: a Keras layer (or model) constructed inside the ``call()`` method of a Layer
    or Model subclass. Layers without weights or random state (pooling, ``Flatten``,
    ``Activation``...) are left alone.

    Why it matters: ``call()`` runs on every forward pass, so each call builds a fresh layer with
    fresh, untrained weights that the model does not track: training changes nothing, saving
    misses them, and under ``jit_compile``/``tf.function`` creating variables on later calls is an
    error. Layers belong in ``__init__`` (or ``build()``), where they are created once.

    Example:
        class Classifier(keras.Model):
            def call(self, x):
                x = layers.Dense(64, activation="relu")(x)
                return layers.Dense(10)(x)

    Use instead:
        class Classifier(keras.Model):
            def __init__(self):
                super().__init__()
                self.hidden = layers.Dense(64, activation="relu")
                self.out = layers.Dense(10)

            def call(self, x):
                return self.out(self.hidden(x))
    """

    code = "KCG303"
    name = "layer-created-in-call"
    message = "a layer created in call() gets new weights on every call; create it in __init__"
    needs = "text"
    triggers = ("def call",)

    VALID = (
        "import keras\nfrom keras import layers\n\nclass Net(keras.Model):\n"
        "    def __init__(self):\n        super().__init__()\n        self.dense = layers.Dense(4)\n\n"
        "    def call(self, x):\n        return self.dense(x)\n",
        "import keras\n\nclass Net(keras.Model):\n    def call(self, x):\n"
        "        return keras.ops.relu(x)\n",
        "from keras import layers\n\nclass Helper:\n    def call(self, x):\n"
        "        return layers.Dense(2)(x)\n",  # not a Layer subclass
        "import keras\n\nclass Net(keras.Model):\n    def call(self, x):\n"
        "        return keras.layers.GlobalAveragePooling1D()(x)\n",  # no weights
    )
    INVALID = (
        Invalid(
            "import keras\nfrom keras import layers as L\n\nclass Head(keras.layers.Layer):\n"
            "    def call(self, x):\n        return L.Dense(1)(x)\n",
            6,
        ),
        Invalid(
            "import keras\nfrom keras import layers\n\nclass Classifier(keras.Model):\n"
            "    def call(self, x):\n        x = layers.Dense(64, activation='relu')(x)\n"
            "        return x\n",
            6,
        ),
        Invalid(
            "import tensorflow as tf\n\nclass Block(tf.keras.layers.Layer):\n"
            "    def call(self, inputs, training=None):\n"
            "        return tf.keras.layers.Dropout(0.5)(inputs, training=training)\n",
            5,
        ),
        Invalid(
            "from keras.layers import Layer, Dense\n\nclass Base(Layer):\n    pass\n\n"
            "class Head(Base):\n    def call(self, x):\n        head = Dense(1)\n        return head(x)\n",
            8,
        ),
    )

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        found = index(ctx)
        classes = set().union(*(subclasses_of(found, base) for base in _BASES))
        for name in sorted(classes, key=lambda name: found.classes[name].lineno):
            for method in found.classes[name].body:
                if isinstance(method, ast.FunctionDef) and method.name == "call":
                    yield from self._created_in(ctx, found, method, classes)

    def _created_in(
        self, ctx: LintContext, found: Index, method: ast.FunctionDef, classes: set[str]
    ) -> Iterator[Finding]:
        for node in ast.walk(method):
            if isinstance(node, ast.Call) and _makes_layer(found, node.func, classes):
                yield finding(self, ctx, node)


def _makes_layer(found: Index, func: ast.expr, classes: set[str]) -> bool:
    if dotted_name(func) in classes:
        return True
    cls = found.resolve(func)
    if cls is None or _STATELESS.fullmatch(cls.rsplit(".", 1)[-1]):
        return False
    return is_layer_class(cls) or cls in (MODEL, SEQUENTIAL)
