"""KCG211: a TensorFlow function applied to a symbolic Keras tensor in a Functional model."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from kcodegen.frontend.keras_api import INPUT, is_layer_class
from kcodegen.lint.ast_walk import statements
from kcodegen.lint.rule import Finding, Invalid, LintContext, Rule
from kcodegen.lint.rules._ast import Index, index
from kcodegen.lint.rules._models import at_span

_CALLEE = re.compile(r"\s*([A-Za-z_][\w.]*)\s*\(")


class TfOpOnKerasTensor(Rule):
    """What it finds: a ``tf.*`` function (``tf.reduce_mean``, ``tf.nn.relu``, ``tf.concat``...)
    called on a tensor of a Functional model, between ``keras.Input`` and ``keras.Model``.

    Why it matters: there the tensors are symbolic ``KerasTensor`` placeholders, and Keras 3
    refuses them: "A KerasTensor cannot be used as input to a TensorFlow function" (Keras 2
    wrapped such calls in hidden layers). ``keras.ops`` has the same operations and works on every
    backend; anything else goes in a small Layer subclass.

    Example:
        inputs = keras.Input(shape=(16, 8))
        pooled = tf.reduce_mean(inputs, axis=1)
        model = keras.Model(inputs, layers.Dense(1)(pooled))

    Use instead:
        inputs = keras.Input(shape=(16, 8))
        pooled = keras.ops.mean(inputs, axis=1)
        model = keras.Model(inputs, layers.Dense(1)(pooled))
    """

    code = "KCG211"
    name = "tf-op-on-keras-tensor"
    message = "a TensorFlow function cannot take a symbolic Keras tensor in Keras 3; use keras.ops"
    needs = "models"
    triggers = ("tensorflow",)

    VALID = (
        "import keras\nimport tensorflow as tf\n\ninputs = keras.Input(shape=(16, 8))\n"
        "pooled = keras.ops.mean(inputs, axis=1)\nmodel = keras.Model(inputs, pooled)\n",
        "import tensorflow as tf\n\nclass Net(tf.keras.Model):\n    def __init__(self):\n"
        "        super().__init__()\n        self.dense = tf.keras.layers.Dense(2)\n\n"
        "    def call(self, x):\n        return tf.nn.relu(self.dense(x))\n",  # eager tensors
        "import tensorflow as tf\nimport tf_keras\n\ninputs = tf_keras.Input(shape=(3,))\n"
        "model = tf_keras.Model(inputs, tf.nn.relu(inputs))\n",  # Keras 2 wraps it in a layer
    )
    INVALID = (
        Invalid(
            "import keras\nimport tensorflow as tf\nfrom keras import layers\n\n"
            "inputs = keras.Input(shape=(16, 8))\npooled = tf.reduce_mean(inputs, axis=1)\n"
            "model = keras.Model(inputs, layers.Dense(1)(pooled))\n",
            6,
        ),
        Invalid(
            "import tensorflow as tf\n\ninputs = tf.keras.Input(shape=(4,))\n"
            "x = tf.keras.layers.Dense(4)(inputs)\n"
            "model = tf.keras.Model(inputs, tf.nn.softmax(x))\n",
            5,
        ),
        Invalid(
            "import keras as K\nimport tensorflow as tf\n\ndef build():\n"
            "    inputs = K.Input(shape=(8,))\n    x = K.layers.Dense(8)(inputs)\n"
            "    merged = tf.concat([x, inputs], axis=-1)\n    return K.Model(inputs, merged)\n",
            7,
        ),
    )

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        found = index(ctx)
        if any(bound.partition(".")[0] == "tf_keras" for bound in found.bindings.values()):
            return  # Keras 2 turns TensorFlow calls on its tensors into layers
        if not any(
            _is_tf_function(found.qualname(call.func)) and _takes_symbolic(found, call)
            for call in found.calls
        ):
            return  # no TensorFlow call on what looks like a Keras tensor: spare the interpreter
        for graph in ctx.parsed.models:
            if graph.style != "functional":
                continue
            for op in graph.ops:
                head = op.template[0] if op.template and isinstance(op.template[0], str) else ""
                callee = _CALLEE.match(head)
                if callee and _is_tf_function(_qualname(found, callee[1])):
                    message = f"`{callee[1]}` cannot take a symbolic Keras tensor in Keras 3; use keras.ops"
                    yield at_span(self, op.span, message)


def _is_tf_function(qualname: str | None) -> bool:
    return (
        qualname is not None
        and qualname.startswith("tensorflow.")
        and not qualname.startswith("tensorflow.keras")
    )


def _makes_tensor(found: Index, value: ast.expr) -> bool:
    """``keras.Input(...)``, ``Dense(4)(x)`` or ``dense(x)`` for a layer variable ``dense``."""
    if not isinstance(value, ast.Call):
        return False
    func = value.func
    if isinstance(func, ast.Call):
        return True
    if isinstance(func, ast.Name):
        made = found.single_value(func.id)
        func = made.func if isinstance(made, ast.Call) else func
    cls = found.resolve(func)
    return cls == INPUT or (cls is not None and is_layer_class(cls))


def _symbolic_names(found: Index, call: ast.Call) -> set[str]:
    """Variables of the call's function (or module) assigned a Keras tensor as the ``ast`` shows."""
    function = found.function_around(call)
    body = function.body if function else found.tree.body
    return {
        target.id
        for statement in statements(body, nested=False)
        if isinstance(statement, ast.Assign) and _makes_tensor(found, statement.value)
        for target in statement.targets
        if isinstance(target, ast.Name)
    }


def _takes_symbolic(found: Index, call: ast.Call) -> bool:
    items = [
        item
        for arg in call.args
        for item in (arg.elts if isinstance(arg, ast.List | ast.Tuple) else [arg])
    ]
    if any(_makes_tensor(found, item) for item in items):
        return True
    names = {item.id for item in items if isinstance(item, ast.Name)}
    return bool(names) and not names.isdisjoint(_symbolic_names(found, call))


def _qualname(found: Index, dotted: str) -> str | None:
    head, _, rest = dotted.partition(".")
    bound = found.bindings.get(head)
    if bound is None:
        return None
    return f"{bound}.{rest}" if rest else bound
