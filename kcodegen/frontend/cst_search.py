"""Finding nodes of some types in a libcst tree.

``libcst.matchers`` does this too, but importing it takes longer than linting a hundred files (it
is generated code for every node type), and the lint and convert paths only ever ask by type.
"""

from __future__ import annotations

import typing
from collections.abc import Callable
from dataclasses import fields
from functools import cache, lru_cache
from typing import Any, TypeVar, cast

import libcst as cst

T = TypeVar("T", bound=cst.CSTNode)


class _Collector(cst.CSTVisitor):
    def __init__(self, types: tuple[type[cst.CSTNode], ...]) -> None:
        self.types = types
        self.found: list[cst.CSTNode] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        if isinstance(node, self.types):
            self.found.append(node)
        return True


def find_all(node: cst.CSTNode, *types: type[T]) -> list[T]:
    """``node`` and the nodes under it that are instances of ``types``, in source order."""
    collector = _Collector(types)
    node.visit(collector)
    return cast(list[T], collector.found)


def find_any_order(node: cst.CSTNode, *types: type[T]) -> list[T]:
    """``find_all`` without the source order, for questions order does not change (is there a
    loop; does every read sit in a layer call). A walk over the nodes' fields is several times
    faster than a libcst visit, which rebuilds every node it passes; and one that skips the
    whitespace and punctuation (two nodes in three) four times faster again.

    A function's body is asked about again and again (its loops, ``if``s, calls, names,
    assignments): it is walked once, and its nodes kept by type."""
    if _asks_for_trivia(types):
        return _walk(node, types, _child_fields)
    if isinstance(node, cst.IndentedBlock):
        by_kind = _by_kind(node)
        return [found for kind in by_kind if issubclass(kind, types) for found in by_kind[kind]]
    return _walk(node, types, _code_fields)


@lru_cache(maxsize=16)  # libcst nodes hash by identity, and the cache holds them: ids stay apart
def _by_kind(node: cst.CSTNode) -> dict[type[cst.CSTNode], list[Any]]:
    by_kind: dict[type[cst.CSTNode], list[Any]] = {}
    for found in _walk(node, (cst.CSTNode,), _code_fields):
        by_kind.setdefault(type(found), []).append(found)
    return by_kind


def _walk(
    node: cst.CSTNode, types: tuple[type, ...], child_fields: Callable[[type], tuple[str, ...]]
) -> list[Any]:
    found: list[Any] = []
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, types):
            found.append(current)
        for name in child_fields(type(current)):
            value = getattr(current, name)
            if isinstance(value, cst.CSTNode):
                stack.append(value)
            elif isinstance(value, (tuple, list)):
                stack.extend(item for item in value if isinstance(item, cst.CSTNode))
    return found


# Nodes that hold only layout: whitespace, comments and the punctuation around code.
_TRIVIA = (
    cst.BaseParenthesizableWhitespace,
    cst.TrailingWhitespace,
    cst.EmptyLine,
    cst.Comment,
    cst.Newline,
    cst.Comma,
    cst.Dot,
    cst.Colon,
    cst.Semicolon,
    cst.AssignEqual,
    cst.LeftParen,
    cst.RightParen,
    cst.LeftSquareBracket,
    cst.RightSquareBracket,
    cst.LeftCurlyBrace,
    cst.RightCurlyBrace,
    cst.MaybeSentinel,
)


@cache
def _asks_for_trivia(types: tuple[type, ...]) -> bool:
    """Some node that ``types`` match holds only layout (``cst.Comma``, or ``cst.CSTNode``)."""
    return any(issubclass(kind, _TRIVIA) or issubclass(t, kind) for kind in types for t in _TRIVIA)


@cache
def _child_fields(kind: type[cst.CSTNode]) -> tuple[str, ...]:
    return tuple(f.name for f in fields(kind))  # type: ignore[arg-type]


@cache
def _code_fields(kind: type[cst.CSTNode]) -> tuple[str, ...]:
    """The fields of ``kind`` whose declared type can hold more than layout."""
    try:
        hints = typing.get_type_hints(kind)
    except (NameError, TypeError):  # an annotation that does not resolve: keep every field
        return _child_fields(kind)
    return tuple(name for name in _child_fields(kind) if not _only_trivia(hints[name]))


def _only_trivia(annotation: Any) -> bool:
    if typing.get_origin(annotation) is not None:  # Sequence[...], Union[...], ...
        parts = typing.get_args(annotation)
        return bool(parts) and all(_only_trivia(part) for part in parts)
    return isinstance(annotation, type) and issubclass(annotation, _TRIVIA)


def is_name(node: cst.CSTNode, value: str) -> bool:
    return isinstance(node, cst.Name) and node.value == value
