"""Statements outside a model that count its ``layers`` from the first, where a conversion moves
them by one.

A Functional model's ``layers`` begin with its ``InputLayer``; a Sequential's and a subclass's do
not. So ``model.layers[1].trainable = False`` freezes the first Dense of a Functional model and
the second of its Subclassing conversion: the converted file runs, computes the same outputs, and
trains another model. Counting from the end (``model.layers[-1]``, ``model.layers[-3:]``,
``model.layers[:-2]``, which only adds or drops the weightless ``InputLayer``) and names
(``get_layer("fc1")``) reach the same layers in every style.
"""

from __future__ import annotations

import ast
from collections.abc import Collection
from functools import lru_cache

from kcodegen.analysis.expressibility import Reason
from kcodegen.ir import ModelGraph, Style


def layer_index_reasons(graph: ModelGraph, to: Style, source: str) -> list[Reason]:
    """Why converting ``graph`` to ``to`` would make statements of ``source`` reach other layers."""
    if (graph.style == "functional") == (to == "functional"):
        return []  # both have an InputLayer in ``layers``, or neither has
    if ".layers[" not in source and "get_layer(" not in source:
        return []
    tree = _parsed(source)
    other = to if graph.style == "functional" else graph.style
    return [
        Reason(
            line,
            f"`{text}` counts the model's layers from the first; a Functional model's begin "
            f"with its InputLayer, a {other} model's do not, so in the converted model it would "
            "reach another layer (count from the end, or use get_layer(name))",
        )
        for line, text in counted_from_the_first(tree, source, _holders(graph, tree))
    ]


@lru_cache(maxsize=4)  # one module, asked once per model
def _parsed(source: str) -> ast.Module:
    return ast.parse(source)


def _holders(graph: ModelGraph, source_tree: ast.Module) -> set[str]:
    """The names that hold the model outside its construction: its variable, and the module's
    variables assigned from a call of the builder that made it (``model = ResNet50(...)``)."""
    names = {graph.site.binding} if graph.site.binding else set()
    builders = {call.function for call in graph.invocations if call.parent is None}
    if graph.site.function:
        builders.add(graph.site.function)
    for statement in source_tree.body:
        if (
            isinstance(statement, ast.Assign)
            and isinstance(statement.value, ast.Call)
            and isinstance(statement.value.func, ast.Name)
            and statement.value.func.id in builders
        ):
            names |= {t.id for t in statement.targets if isinstance(t, ast.Name)}
    return names


def counted_from_the_first(
    tree: ast.Module, source: str, names: Collection[str]
) -> list[tuple[int, str]]:
    """``(line, text)`` of each ``<name>.layers[...]`` that counts from the first layer, and each
    ``<name>.get_layer(index=...)``."""
    found = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Subscript)
            and _layers_of(node.value, names)
            and not _from_the_end(node.slice)
        ) or (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "get_layer"
            and _is_name(node.func.value, names)
            and any(k.arg == "index" for k in node.keywords)
        ):
            found.append((node.lineno, ast.get_source_segment(source, node) or ""))
    return sorted(found)


def _layers_of(node: ast.expr, names: Collection[str]) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "layers" and _is_name(node.value, names)


def _is_name(node: ast.expr, names: Collection[str]) -> bool:
    return isinstance(node, ast.Name) and node.id in names


def _from_the_end(index: ast.expr) -> bool:
    """``[-1]``, ``[-3:]``, ``[:-2]``, ``[:]``: the same layers, or those and the InputLayer."""
    if isinstance(index, ast.Slice):
        bounds = (index.lower, index.upper)
        return index.step is None and all(b is None or _negative(b) for b in bounds)
    return _negative(index)


def _negative(node: ast.expr) -> bool:
    return (
        isinstance(node, ast.UnaryOp)
        and isinstance(node.op, ast.USub)
        and isinstance(node.operand, ast.Constant)
        and isinstance(node.operand.value, int)
        and node.operand.value > 0
    )
