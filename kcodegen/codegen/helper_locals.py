"""A helper's argument text with the names it computed from its parameters written as their
expressions (``name=bn_name`` -> ``name=None if name is None else f"{name}_bn"``), for a block
class that has no such names (``frontend/helper_locals.py`` finds them)."""

from __future__ import annotations

import ast
from collections.abc import Mapping
from functools import lru_cache

_ATOMS = (ast.Name, ast.Attribute, ast.Call, ast.Subscript, ast.Constant, ast.JoinedStr)


def with_locals_written_out(text: str, derived: tuple[tuple[str, str], ...]) -> str | None:
    """``text`` with every name of ``derived`` (in the helper's order) replaced by its
    expression, in parentheses where it is part of a larger one; None where that cannot be
    written (a quote inside an f-string's braces) or ``text`` does not parse."""
    return _replace_once(text, _expanded(derived))


@lru_cache(maxsize=1024)
def _expanded(derived: tuple[tuple[str, str], ...]) -> Mapping[str, str]:
    """Each expression with the names found before it written out: ``filters = int(filters *
    alpha)`` then ``pointwise = _make_divisible(filters, 8)`` reads the call's ``filters``."""
    done: dict[str, str] = {}
    for name, expression in derived:
        written = _replace_once(expression, done)
        if written is not None:  # else texts reading it keep the call's value
            done[name] = written
    return done


def _replace_once(text: str, derived: Mapping[str, str]) -> str | None:
    wrapped = f"({text})"
    try:
        tree = ast.parse(wrapped, mode="eval")
    except SyntaxError:
        return None
    starts = [0]
    for line in wrapped.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    lines = wrapped.splitlines(keepends=True)
    edits: list[tuple[int, int, str]] = []
    for node, in_fstring in _names(tree.body):
        if node.id not in derived:
            continue
        expression = derived[node.id]
        if in_fstring and ("'" in expression or '"' in expression):
            return None  # Python 3.11 reads no quote of the string's own kind in its braces
        atom = isinstance(ast.parse(expression, mode="eval").body, _ATOMS)
        replacement = expression if atom or node is tree.body else f"({expression})"
        line = lines[node.lineno - 1]
        start = starts[node.lineno - 1] + len(line.encode()[: node.col_offset].decode())
        end = start + len(node.id)
        if wrapped[start:end] != node.id:
            return None  # a position the parser gave inside an f-string is off
        edits.append((start, end, replacement))
    for start, end, replacement in sorted(edits, reverse=True):
        wrapped = wrapped[:start] + replacement + wrapped[end:]
    return wrapped[1:-1]


def _names(root: ast.expr) -> list[tuple[ast.Name, bool]]:
    """The names ``root`` reads, each with whether it is inside an f-string."""
    found: list[tuple[ast.Name, bool]] = []
    pending: list[tuple[ast.AST, bool]] = [(root, False)]
    while pending:
        node, in_fstring = pending.pop()
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            found.append((node, in_fstring))
        inside = in_fstring or isinstance(node, ast.JoinedStr)
        pending.extend((child, inside) for child in ast.iter_child_nodes(node))
    return found
