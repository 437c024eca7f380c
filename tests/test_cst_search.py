"""The searches that skip layout nodes, and those answered from a body's index, find what a walk
of every node finds, on real code no one here wrote."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import libcst as cst
import pytest

from kcodegen.frontend.cst_search import find_all, find_any_order

KINDS = (
    cst.Call,
    cst.Name,
    cst.Attribute,
    cst.If,
    cst.IfExp,
    cst.For,
    cst.While,
    cst.Return,
    cst.Lambda,
    cst.SimpleString,
    cst.FormattedStringExpression,
    cst.Param,
    cst.AssignTarget,
    cst.AugAssign,
    cst.Decorator,
    cst.BaseExpression,
    cst.BaseSmallStatement,
)


def _keras_applications() -> list[Path]:
    spec = importlib.util.find_spec("keras")  # found, not imported
    assert spec is not None and spec.origin is not None
    folder = Path(spec.origin).parent / "src" / "applications"
    return sorted(path for path in folder.glob("*.py") if path.name != "__init__.py")


def _every_node(root: cst.CSTNode, kind: type[cst.CSTNode]) -> set[int]:
    found, stack = set(), [root]
    while stack:
        node = stack.pop()
        if isinstance(node, kind):
            found.add(id(node))
        stack.extend(node.children)
    return found


@pytest.mark.parametrize("path", _keras_applications(), ids=lambda path: path.stem)
def test_searches_find_what_a_walk_of_every_node_finds(path: Path) -> None:
    module = cst.parse_module(path.read_text(encoding="utf-8"))
    bodies = [f.body for f in find_all(module, cst.FunctionDef)]
    assert bodies
    for root in [module, *bodies]:  # a function's body is answered from its index
        for kind in KINDS:
            assert {id(n) for n in find_any_order(root, kind)} == _every_node(root, kind), kind
    commas = find_any_order(module, cst.Comma)  # layout, when asked for, is walked too
    assert {id(n) for n in commas} == _every_node(module, cst.Comma) != set()
