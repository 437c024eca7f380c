"""KCG210: ``CuDNNLSTM`` / ``CuDNNGRU``, which Keras 3 does not have."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from kcodegen.lint.rule import Edit, Finding, Fix, Invalid, LintContext, Rule
from kcodegen.lint.rules._ast import finding, index, offsets

_SUCCESSORS = {"CuDNNLSTM": "LSTM", "CuDNNGRU": "GRU"}


class CuDNNLayer(Rule):
    """What it finds: ``CuDNNLSTM`` and ``CuDNNGRU`` layers, imported or called.

    Why it matters: Keras 3 has neither (``AttributeError`` or ``ImportError``). ``LSTM`` and
    ``GRU`` use the cuDNN kernel by themselves on a GPU when their arguments allow it (the
    defaults do), and fall back to a portable kernel elsewhere. A call with only the number of
    units positional is rewritten; later positional parameters differ between the two.

    Example:
        x = layers.CuDNNLSTM(128, return_sequences=True)(x)

    Use instead:
        x = layers.LSTM(128, return_sequences=True)(x)
    """

    code = "KCG210"
    name = "cudnn-layer"
    message = "Keras 3 has no CuDNN layers; LSTM and GRU use cuDNN by themselves"
    needs = "text"
    triggers = ("CuDNN",)
    fixable = True

    VALID = (
        "from keras import layers\nx = layers.LSTM(128, return_sequences=True)(x)\n",
        "class CuDNNLSTM:\n    pass\n\nlayer = CuDNNLSTM()\n",
        "# CuDNNLSTM was removed\nimport keras\n",
    )
    INVALID = (
        Invalid(
            "from keras import layers\n\nx = layers.CuDNNLSTM(128, return_sequences=True)(x)\n",
            3,
            fixed="from keras import layers\n\nx = layers.LSTM(128, return_sequences=True)(x)\n",
        ),
        Invalid(
            "import tensorflow as tf\n\ngru = tf.compat.v1.keras.layers.CuDNNGRU(64)\n",
            3,
            fixed="import tensorflow as tf\n\ngru = tf.compat.v1.keras.layers.GRU(64)\n",
        ),
        Invalid("from tensorflow.keras.layers import CuDNNLSTM, Dense\n", 1),
        Invalid("import keras\n\nlstm = keras.layers.CuDNNLSTM(64, 'orthogonal')\n", 3),
    )

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        found = index(ctx)
        for statement in found.imports:
            if (
                isinstance(statement, ast.ImportFrom)
                and _keras_layers(statement.module or "")
                and any(alias.name in _SUCCESSORS for alias in statement.names)
            ):
                yield finding(self, ctx, statement)
        for call in found.calls:
            func = call.func
            if not isinstance(func, ast.Attribute) or func.attr not in _SUCCESSORS:
                continue
            if not _keras_layers(found.qualname(func.value) or ""):
                continue
            fix = None
            if len(call.args) <= 1 and not any(isinstance(a, ast.Starred) for a in call.args):
                _, end = offsets(ctx, func)
                successor = _SUCCESSORS[func.attr]
                fix = Fix(f"use {successor}", (Edit(end - len(func.attr), end, successor),))
            yield finding(self, ctx, call, fix=fix)


def _keras_layers(module: str) -> bool:
    """``keras.layers``, ``tensorflow.keras.layers``, ``tensorflow.compat.v1.keras.layers``..."""
    return module == "keras.layers" or module.endswith(".keras.layers")
