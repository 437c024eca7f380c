"""Finding nodes of some types in a libcst tree.

``libcst.matchers`` does this too, but importing it takes longer than linting a hundred files (it
is generated code for every node type), and the lint and convert paths only ever ask by type.
"""

from __future__ import annotations

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


def is_name(node: cst.CSTNode, value: str) -> bool:
    return isinstance(node, cst.Name) and node.value == value
