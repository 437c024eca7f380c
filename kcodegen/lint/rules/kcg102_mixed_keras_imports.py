"""KCG102: one file using both standalone ``keras`` and ``tf.keras``."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from kcodegen.lint.rule import Finding, Invalid, LintContext, Rule
from kcodegen.lint.rules._ast import Index, Located, finding, index

_STANDALONE_IMPORT = re.compile(r"(?:^|;)[ \t]*(?:import|from)[ \t]+keras\b", re.M)


class MixedKerasImports(Rule):
    """What it finds: a file that uses both the standalone ``keras`` package and
    ``tensorflow.keras`` (``tf.keras``, ``from tensorflow import keras``). Fallback imports in a
    ``try``/``except`` are not counted.

    Why it matters: the two names are the same library only on TensorFlow 2.16 and later without
    ``TF_USE_LEGACY_KERAS``; elsewhere they are two Kerases whose layers, tensors and models do not
    mix ("Only instances of `keras.Layer` can be added to a Sequential model", "KerasTensor
    cannot be used as input to a TensorFlow function"). One spelling per file also keeps the
    code readable and makes converted code follow it.

    Example:
        import keras
        import tensorflow as tf

        model = keras.Sequential([tf.keras.layers.Dense(10)])

    Use instead:
        import keras

        model = keras.Sequential([keras.layers.Dense(10)])
    """

    code = "KCG102"
    name = "mixed-keras-imports"
    message = "this file uses both `keras` and `tf.keras`; use one"
    default = False  # a matter of taste: opt in with select or extend-select
    needs = "text"
    triggers = ("tensorflow",)

    VALID = (
        "import keras\nimport tensorflow as tf\n\nds = tf.data.Dataset.range(3)\n"
        "model = keras.Sequential()\n",
        "import tensorflow as tf\nfrom tensorflow import keras\n\nmodel = keras.Sequential()\n",
        "try:\n    import keras\nexcept ImportError:\n    from tensorflow import keras\n",
        "import tensorflow as tf\nimport tf_keras\nx = tf.keras.layers.Dense(2)\n",
    )
    INVALID = (
        Invalid(
            "import keras\nimport tensorflow as tf\n\n"
            "model = keras.Sequential([tf.keras.layers.Dense(10)])\n",
            4,
        ),
        Invalid(
            "from tensorflow.keras.layers import Dense\nfrom keras.models import Sequential\n", 2
        ),
        Invalid(
            "import tensorflow as tf\nfrom keras import layers\n\ntf.keras.backend.clear_session()\n",
            4,
        ),
    )

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        if not _STANDALONE_IMPORT.search(ctx.source):
            return
        found = index(ctx)
        fallbacks = _in_try(ctx.tree)
        uses: dict[str, list[Located]] = {"keras": [], "tf.keras": []}
        for statement in found.imports:
            if id(statement) not in fallbacks:
                for module in _imported(statement):
                    kind = _kind(module)
                    if kind:
                        uses[kind].append(statement)
        uses["tf.keras"] += [
            call
            for call in found.calls
            if isinstance(call.func, ast.Attribute) and _dotted_tf_keras(found, call.func)
        ]
        if uses["keras"] and uses["tf.keras"]:
            later = max((min(nodes, key=_position) for nodes in uses.values()), key=_position)
            yield finding(self, ctx, later)


def _imported(statement: ast.Import | ast.ImportFrom) -> list[str]:
    if isinstance(statement, ast.Import):
        return [alias.name for alias in statement.names]
    if statement.level or not statement.module:
        return []
    return [f"{statement.module}.{alias.name}" for alias in statement.names]


def _kind(module: str) -> str | None:
    if module.partition(".")[0] == "keras":
        return "keras"
    if module.startswith("tensorflow.keras"):
        return "tf.keras"
    return None


def _dotted_tf_keras(found: Index, func: ast.Attribute) -> bool:
    """A call spelled through ``tensorflow`` itself: ``tf.keras.layers.Dense(...)``."""
    node: ast.expr = func
    while isinstance(node, ast.Attribute):
        node = node.value
    qualname = found.qualname(func)
    return (
        isinstance(node, ast.Name)
        and found.bindings.get(node.id) == "tensorflow"
        and qualname is not None
        and qualname.startswith("tensorflow.keras.")
    )


def _in_try(tree: ast.Module) -> set[int]:
    """Ids of the imports inside module-level ``try`` statements: fallbacks between spellings."""
    return {
        id(node)
        for statement in tree.body
        if isinstance(statement, ast.Try)
        for node in ast.walk(statement)
        if isinstance(node, ast.Import | ast.ImportFrom)
    }


def _position(node: Located) -> tuple[int, int]:
    return node.lineno, node.col_offset
