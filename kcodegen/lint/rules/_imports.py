"""Import paths for the rules about removed, private and legacy Keras modules: where a name lives in
Keras 3, and the edits that move an import or a dotted call there.
"""

from __future__ import annotations

import ast
import re

from kcodegen.lint.rule import Edit, LintContext
from kcodegen.lint.rules._ast import offsets, source_of
from kcodegen.lint.rules._keras3_api import NAMES

_SPELLINGS = ("tensorflow.keras", "keras")  # Keras 3 under either name
_FROM_MODULE = re.compile(r"from\s+([\w.]+)\s+import\b")


def split_keras(raw: str) -> tuple[str, str] | None:
    """``("tensorflow.keras", "layers.core")`` for ``tensorflow.keras.layers.core``; None when the
    name is not Keras 3 (``tf_keras`` is Keras 2, where old paths are still valid)."""
    for spelling in _SPELLINGS:
        if raw == spelling:
            return spelling, ""
        if raw.startswith(spelling + "."):
            return spelling, raw[len(spelling) + 1 :]
    return None


def public_home(module: str, names: list[str]) -> str | None:
    """The nearest module, from ``module`` (``keras.layers.core``) up, that Keras 3 exports every
    one of ``names`` from: where a moved import can safely point."""
    parts = module.split(".")
    while parts:
        candidate = ".".join(parts)
        exported = NAMES.get(candidate)
        if exported is not None and names and all(name in exported for name in names):
            return candidate
        parts.pop()
    return None


def imported_names(statement: ast.ImportFrom) -> list[str]:
    return [alias.name for alias in statement.names]


def module_edit(ctx: LintContext, statement: ast.ImportFrom, new_module: str) -> Edit | None:
    """Replace the module of ``from M import ...`` by ``new_module`` (None if M is oddly spelled)."""
    start, _ = offsets(ctx, statement)
    found = _FROM_MODULE.match(source_of(ctx, statement))
    if found is None or found[1] != statement.module:
        return None
    return Edit(start + found.start(1), start + found.end(1), new_module)


def without_segments(
    ctx: LintContext, func: ast.Attribute, drop: int, keep_last: int
) -> Edit | None:
    """Remove ``drop`` attributes before the last ``keep_last`` ones of a dotted call:
    ``tf.keras.layers.experimental.preprocessing.Rescaling`` with drop=2, keep_last=1 becomes
    ``tf.keras.layers.Rescaling``. None when the chain is not plain dotted text."""
    text = source_of(ctx, func)
    parts = text.split(".")
    if any(not part.isidentifier() for part in parts) or len(parts) <= drop + keep_last:
        return None
    kept = parts[: len(parts) - drop - keep_last] + parts[len(parts) - keep_last :]
    start, end = offsets(ctx, func)
    return Edit(start, end, ".".join(kept))
