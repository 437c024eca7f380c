"""The stdlib ``ast`` of a source, parsed once and shared: positions, names and the unbound-name
check each need it, and libcst trees do not answer those questions cheaply."""

from __future__ import annotations

import ast
from collections.abc import Sequence
from functools import lru_cache

import libcst as cst


@lru_cache(maxsize=4)
def parsed(source: str) -> ast.Module | None:
    """The source's ``ast``, or None where the stdlib cannot read what libcst can (newer syntax).
    Shared: readers must not change it."""
    try:
        return ast.parse(source)
    except (SyntaxError, ValueError):
        return None


def same_statements(
    block: Sequence[cst.BaseStatement], statements: Sequence[ast.stmt]
) -> list[list[ast.stmt]] | None:
    """The ``ast`` statements of each libcst statement of one block (``a; b`` is one libcst
    statement and two ``ast`` ones), or None when the two parsers disagree."""
    groups: list[list[ast.stmt]] = []
    at = 0
    for statement in block:
        count = len(statement.body) if isinstance(statement, cst.SimpleStatementLine) else 1
        if at + count > len(statements):
            return None
        groups.append(list(statements[at : at + count]))
        at += count
    return groups if at == len(statements) else None
