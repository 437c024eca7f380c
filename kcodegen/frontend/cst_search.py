"""Finding nodes of some types in a libcst tree.

``libcst.matchers`` does this too, but importing it takes longer than linting a hundred files (it
is generated code for every node type), and the lint and convert paths only ever ask by type.
"""

from __future__ import annotations

from dataclasses import fields
from functools import cache
from typing import TypeVar, cast

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
    faster than a libcst visit, which rebuilds every node it passes."""
    found: list[T] = []
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, types):
            found.append(current)
        for name in _child_fields(type(current)):
            value = getattr(current, name)
            if isinstance(value, cst.CSTNode):
                stack.append(value)
            elif isinstance(value, (tuple, list)):
                stack.extend(item for item in value if isinstance(item, cst.CSTNode))
    return found


@cache
def _child_fields(kind: type[cst.CSTNode]) -> tuple[str, ...]:
    return tuple(f.name for f in fields(kind))  # type: ignore[arg-type]


def is_name(node: cst.CSTNode, value: str) -> bool:
    return isinstance(node, cst.Name) and node.value == value
