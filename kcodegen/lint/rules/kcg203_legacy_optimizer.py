"""KCG203: ``keras.optimizers.legacy`` optimizers, which Keras 3 refuses to create."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from kcodegen.lint.rule import Finding, Fix, Invalid, LintContext, Rule
from kcodegen.lint.rules._ast import Index, finding, index, keyword
from kcodegen.lint.rules._imports import imported_names, module_edit, split_keras, without_segments
from kcodegen.lint.rules._keras3_api import NAMES

_LEGACY = "optimizers.legacy"


class LegacyOptimizer(Rule):
    """What it finds: optimizers from ``keras.optimizers.legacy`` (or
    ``tf.keras.optimizers.legacy``), imported or called.

    Why it matters: Keras 3 keeps the module only to raise ``ImportError`` when such an optimizer
    is created: "`keras.optimizers.legacy` is not supported in Keras 3". The current optimizers
    take the same arguments, except ``decay``, which they ignore (use a learning-rate schedule).

    Example:
        optimizer = tf.keras.optimizers.legacy.Adam(learning_rate=1e-3)

    Use instead:
        optimizer = tf.keras.optimizers.Adam(learning_rate=1e-3)
    """

    code = "KCG203"
    name = "legacy-optimizer"
    message = "Keras 3 cannot create `keras.optimizers.legacy` optimizers"
    needs = "text"
    triggers = ("legacy",)
    fixable = True

    VALID = (
        "import tensorflow as tf\noptimizer = tf.keras.optimizers.Adam(learning_rate=1e-3)\n",
        "from tf_keras.optimizers.legacy import Adam\n",  # Keras 2 still has them
        "# keras.optimizers.legacy is gone\nfrom keras.optimizers import SGD\n",
        "from keras.optimizers import legacy as legacy\n",  # importing it is harmless
    )
    INVALID = (
        Invalid(
            "import tensorflow as tf\n\noptimizer = tf.keras.optimizers.legacy.Adam(learning_rate=1e-3)\n",
            3,
            fixed="import tensorflow as tf\n\noptimizer = tf.keras.optimizers.Adam(learning_rate=1e-3)\n",
        ),
        Invalid(
            "from keras.optimizers.legacy import SGD\n\noptimizer = SGD(0.01, momentum=0.9)\n",
            1,
            fixed="from keras.optimizers import SGD\n\noptimizer = SGD(0.01, momentum=0.9)\n",
        ),
        Invalid(
            "from keras import optimizers\n\nopt = optimizers.legacy.SGD(0.1, decay=1e-6)\n", 3
        ),
        Invalid(
            "from keras.optimizers.legacy import SGD\n\noptimizer = SGD(0.01, decay=1e-6)\n", 1
        ),
        Invalid("from tensorflow.keras.optimizers import legacy\n\nopt = legacy.Adam()\n", 3),
    )

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        found = index(ctx)
        decay_anywhere = "decay" in ctx.source
        for statement in found.imports:
            if isinstance(statement, ast.ImportFrom) and _is_legacy(statement.module or ""):
                names = imported_names(statement)
                edit = None
                if not decay_anywhere and all(n in NAMES["keras.optimizers"] for n in names):
                    module = statement.module or ""
                    edit = module_edit(ctx, statement, module.removesuffix(".legacy"))
                fix = Fix(f"import from {edit.text}", (edit,)) if edit else None
                yield finding(self, ctx, statement, fix=fix)
        yield from self._check_calls(ctx, found)

    def _check_calls(self, ctx: LintContext, found: Index) -> Iterator[Finding]:
        for call in found.calls:
            func = call.func
            if not isinstance(func, ast.Attribute) or func.attr == "legacy":
                continue
            module = found.qualname(func.value)
            if module is None or not _is_legacy(module):
                continue  # (names imported from the legacy module are reported at the import)
            edit = None
            if (
                isinstance(func.value, ast.Attribute)  # `legacy.Adam` has nothing to drop
                and keyword(call, "decay") is None
                and func.attr in NAMES["keras.optimizers"]
            ):
                edit = without_segments(ctx, func, drop=1, keep_last=1)
            fix = Fix(f"call {edit.text}", (edit,)) if edit else None
            yield finding(self, ctx, call, fix=fix)


def _is_legacy(module: str) -> bool:
    split = split_keras(module)
    return split is not None and split[1] == _LEGACY
