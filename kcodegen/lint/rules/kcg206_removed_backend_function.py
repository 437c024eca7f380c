"""KCG206: ``keras.backend`` functions that Keras 3 removed (``K.mean``, ``K.int_shape``, ...)."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from kcodegen.lint.rule import Finding, Fix, Invalid, LintContext, Rule
from kcodegen.lint.rules._ast import Index, finding, index, replace
from kcodegen.lint.rules._keras3_api import NAMES

_BACKEND = "keras.backend"
# keras.ops functions with the same name, positional parameters and these keywords: a safe rewrite.
_SAME_IN_OPS = frozenset(
    [
        "abs",
        "all",
        "any",
        "cos",
        "exp",
        "log",
        "max",
        "mean",
        "min",
        "prod",
        "round",
        "sigmoid",
        "sign",
        "sin",
        "softplus",
        "softsign",
        "sqrt",
        "square",
        "std",
        "stop_gradient",
        "sum",
        "tanh",
        "var",
    ]
)
_SAME_KEYWORDS = frozenset({"axis", "keepdims"})
# Where the others went (their parameters or defaults differ, so they are not rewritten).
_MOVED = {
    "argmax": "keras.ops.argmax (its axis defaults to None, not -1)",
    "argmin": "keras.ops.argmin (its axis defaults to None, not -1)",
    "cast": "keras.ops.cast",
    "clip": "keras.ops.clip",
    "concatenate": "keras.ops.concatenate (its axis defaults to 0, not -1)",
    "constant": "keras.ops.convert_to_tensor",
    "dot": "keras.ops.matmul",
    "expand_dims": "keras.ops.expand_dims",
    "flatten": "keras.ops.reshape(x, (-1,))",
    "gather": "keras.ops.take",
    "get_value": "keras.ops.convert_to_numpy",
    "int_shape": "x.shape",
    "l2_normalize": "keras.ops.normalize",
    "ones": "keras.ops.ones",
    "permute_dimensions": "keras.ops.transpose",
    "pow": "keras.ops.power",
    "random_normal": "keras.random.normal",
    "random_uniform": "keras.random.uniform",
    "relu": "keras.ops.relu",
    "reshape": "keras.ops.reshape",
    "softmax": "keras.ops.softmax",
    "squeeze": "keras.ops.squeeze",
    "stack": "keras.ops.stack",
    "tile": "keras.ops.tile",
    "transpose": "keras.ops.transpose",
    "variable": "keras.Variable",
    "zeros": "keras.ops.zeros",
}


class RemovedBackendFunction(Rule):
    """What it finds: functions of the standalone ``keras.backend`` module that Keras 3 removed:
    ``K.mean``, ``K.sum``, ``K.int_shape``, ``K.placeholder``, ``K.get_session`` and most others.
    Keras 3's ``keras.backend`` keeps only configuration helpers such as ``floatx`` and
    ``clear_session``. (``tf.keras.backend`` still has them, for TensorFlow users.)

    Why it matters: the call fails with ``AttributeError: module 'keras.backend' has no attribute
    'mean'``, often inside a custom loss or metric, so only when training starts. The tensor
    functions moved to ``keras.ops``, which runs on every backend.

    Example:
        from keras import backend as K

        def rmse(y_true, y_pred):
            return K.sqrt(K.mean(K.square(y_pred - y_true), axis=-1))

    Use instead:
        import keras

        def rmse(y_true, y_pred):
            return keras.ops.sqrt(keras.ops.mean(keras.ops.square(y_pred - y_true), axis=-1))
    """

    code = "KCG206"
    name = "removed-backend-function"
    message = "Keras 3's keras.backend has no such function; use keras.ops"
    needs = "text"
    triggers = ("backend",)
    fixable = True

    VALID = (
        "from keras import backend as K\nK.clear_session()\nprint(K.floatx())\n",
        "import tensorflow as tf\nK = tf.keras.backend\nloss = K.mean(x)\n",
        "import keras\ny = keras.ops.mean(x, axis=-1)\n",
        "from tf_keras import backend as K\ny = K.mean(x)\n",
    )
    INVALID = (
        Invalid(
            "import keras\nfrom keras import backend as K\n\n"
            "def rmse(y_true, y_pred):\n"
            "    return K.sqrt(K.mean(K.square(y_pred - y_true), axis=-1))\n",
            5,
            fixed="import keras\nfrom keras import backend as K\n\n"
            "def rmse(y_true, y_pred):\n"
            "    return keras.ops.sqrt(keras.ops.mean(keras.ops.square(y_pred - y_true), axis=-1))\n",
        ),
        Invalid("import keras.backend as K\n\nshape = K.int_shape(x)\n", 3),
        Invalid("from keras.backend import mean, floatx\n", 1),
        Invalid(
            "import keras\nfrom keras import backend as K\n\ny = K.argmax(x)\n", 4
        ),  # argmax's default axis changed: no rewrite
    )

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        found = index(ctx)
        if not any(bound.startswith(_BACKEND) for bound in found.bindings.values()):
            return
        for statement in found.imports:
            if isinstance(statement, ast.ImportFrom) and statement.module == _BACKEND:
                missing = [a.name for a in statement.names if a.name not in NAMES[_BACKEND]]
                if missing:
                    names = ", ".join(f"`{name}`" for name in missing)
                    message = f"Keras 3's keras.backend has no {names}; use keras.ops"
                    yield finding(self, ctx, statement, message)
        keras_name = next(
            (local for local, bound in found.bindings.items() if bound == "keras"), None
        )
        for call in found.calls:
            if not isinstance(call.func, ast.Attribute):
                continue
            qualname = found.qualname(call.func)
            if qualname is None or qualname.rpartition(".")[0] != _BACKEND:
                continue
            function = call.func.attr
            if function not in NAMES[_BACKEND]:
                yield self._finding(ctx, found, call, function, keras_name)

    def _finding(
        self, ctx: LintContext, found: Index, call: ast.Call, function: str, keras_name: str | None
    ) -> Finding:
        if function in _SAME_IN_OPS:
            fix = None
            if keras_name is not None and _same_arguments(call):
                edit = replace(ctx, call.func, f"{keras_name}.ops.{function}")
                fix = Fix(f"call keras.ops.{function}", (edit,))
            return finding(self, ctx, call, _message(function, f"keras.ops.{function}"), fix)
        return finding(self, ctx, call, _message(function, _MOVED.get(function)))


def _same_arguments(call: ast.Call) -> bool:
    return not any(isinstance(arg, ast.Starred) for arg in call.args) and all(
        kw.arg in _SAME_KEYWORDS for kw in call.keywords
    )


def _message(function: str, successor: str | None) -> str:
    where = f"use {successor}" if successor else "use keras.ops"
    return f"Keras 3's keras.backend has no `{function}`; {where}"
