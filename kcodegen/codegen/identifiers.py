"""The identifiers code spells: every place libcst has a ``Name``, read with the stdlib ``ast``,
which parses and walks a large module many times faster than a libcst visit."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable

import libcst as cst

from kcodegen.frontend.python_ast import parsed

_WORD = re.compile(r"[^\W\d]\w*")


def identifiers(code: str) -> set[str]:
    """Every identifier in ``code``."""
    tree = parsed(code)
    if tree is None:  # what libcst reads and the stdlib does not: ask libcst
        return _libcst_identifiers(cst.parse_module(code))
    return identifiers_in([tree])


def identifiers_in(roots: Iterable[ast.AST]) -> set[str]:
    """Every identifier in the trees under ``roots`` (a walk of its own: ``ast.walk``'s generators
    cost more than the rest of it)."""
    found: set[str] = set()
    stack = list(roots)
    while stack:
        node = stack.pop()
        kind = type(node)
        if kind is ast.Name:
            found.add(node.id)  # type: ignore[attr-defined]
        elif kind is ast.Attribute:
            found.add(node.attr)  # type: ignore[attr-defined]
        elif kind in _NAMED:
            _add_names(node, found)
        for field in node._fields:
            value = getattr(node, field, None)
            if isinstance(value, list):
                stack.extend(item for item in value if isinstance(item, ast.AST))
            elif isinstance(value, ast.AST):
                stack.append(value)
    return found


_NAMED = frozenset(
    {
        ast.FunctionDef,
        ast.AsyncFunctionDef,
        ast.ClassDef,
        ast.arg,
        ast.keyword,
        ast.Global,
        ast.Nonlocal,
        ast.ExceptHandler,
        ast.MatchAs,
        ast.MatchStar,
        ast.MatchMapping,
        ast.MatchClass,
        ast.Import,
        ast.ImportFrom,
    }
)


def _add_names(node: ast.AST, found: set[str]) -> None:
    """The identifiers a node spells itself, other than names and attributes."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        found.add(node.name)
    elif isinstance(node, ast.arg):
        found.add(node.arg)
    elif isinstance(node, ast.keyword):
        if node.arg is not None:
            found.add(node.arg)
    elif isinstance(node, (ast.Global, ast.Nonlocal)):
        found.update(node.names)
    elif isinstance(node, (ast.ExceptHandler, ast.MatchAs, ast.MatchStar)):
        if node.name is not None:
            found.add(node.name)
    elif isinstance(node, ast.MatchMapping):
        if node.rest is not None:
            found.add(node.rest)
    elif isinstance(node, ast.MatchClass):
        found.update(node.kwd_attrs)
    elif isinstance(node, (ast.Import, ast.ImportFrom)):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.update(node.module.split("."))
        for alias in node.names:
            if alias.name != "*":
                found.update(alias.name.split("."))
            if alias.asname:
                found.add(alias.asname)


def words(code: str) -> set[str]:
    """Every identifier-like word of ``code``, in strings too: a superset of its identifiers, for
    where more is safe (a name taken, an import kept) and a parse would cost more."""
    return set(_WORD.findall(code))


def _libcst_identifiers(module: cst.Module) -> set[str]:
    found: set[str] = set()

    class Collector(cst.CSTVisitor):
        def visit_Name(self, node: cst.Name) -> None:
            found.add(node.value)

    module.visit(Collector())
    return found
