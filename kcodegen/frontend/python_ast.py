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


def deepest(trees: Sequence[ast.AST]) -> tuple[int, int]:
    """How many levels the trees nest, and the line of their deepest node, without recursion."""
    found = (0, 0)
    pending = [(tree, 1, getattr(tree, "lineno", 0)) for tree in trees]
    while pending:
        node, depth, line = pending.pop()
        line = getattr(node, "lineno", line)  # an operator or a context has none: its parent's
        if depth > found[0]:
            found = (depth, line)
        pending.extend((child, depth + 1, line) for child in ast.iter_child_nodes(node))
    return found
