"""The styles a module's models are written in, read from its syntax alone.

The interpreter knows a model's style once it has followed the code that builds it. Where it could
not (an input-shape helper it does not model, a loop over run-time values), the spelling still
tells: ``keras.Model(inputs, outputs)`` is Functional, ``keras.Sequential(...)`` is Sequential, a
class deriving from ``keras.Model`` is Subclassing. Converting such a file to the style it is
written in has nothing to change, so it must not fail (issue 13, class 7).
"""

from __future__ import annotations

import ast

from kcodegen.frontend.keras_api import MODEL, SEQUENTIAL
from kcodegen.frontend.names import canonical
from kcodegen.frontend.python_ast import parsed


def written_styles(source: str) -> frozenset[str]:
    """Every style some model of ``source`` is spelled in (empty when none).

    A Sequential built beside a Functional model and used there as a layer (``stem(x)``,
    ``blocks.append(stem)``) is a part of that model, not a model of its own style.
    """
    tree = parsed(source)
    if tree is None:
        return frozenset()
    bound = _import_bindings(list(ast.walk(tree)))  # breadth first: no recursion with nesting
    styles: set[str] = set()
    for scope in _scopes(tree):
        functional: list[ast.Call] = []
        sequential: list[ast.Call] = []
        for node in scope:
            if isinstance(node, ast.ClassDef):
                if any(_resolved(base, bound) == MODEL for base in node.bases):
                    styles.add("subclassing")
            elif isinstance(node, ast.Call):
                called = _resolved(node.func, bound)
                if called == SEQUENTIAL:
                    sequential.append(node)
                elif called == MODEL and (node.args or node.keywords):
                    functional.append(node)
        if functional:
            styles.add("functional")
            parts = _used_as_layers(scope)
            sequential = [call for call in sequential if call not in parts]
        if sequential:
            styles.add("sequential")
    return frozenset(styles)


def _scopes(tree: ast.Module) -> list[list[ast.AST]]:
    """The nodes of the module and of each function, each function's apart from its caller's."""
    scopes: list[list[ast.AST]] = []
    pending: list[ast.AST] = [tree]
    while pending:
        owner = pending.pop()
        nodes: list[ast.AST] = []
        stack = list(ast.iter_child_nodes(owner))
        while stack:
            node = stack.pop()
            nodes.append(node)
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                pending.append(node)
            else:
                stack.extend(ast.iter_child_nodes(node))
        scopes.append(nodes)
    return scopes


def _used_as_layers(scope: list[ast.AST]) -> set[ast.AST]:
    """The expressions of a scope that it uses as layers: called on something, passed to a call,
    listed, or bound to a name it does one of those with."""
    used: set[ast.AST] = set()
    for node in scope:
        if isinstance(node, ast.Call):
            used.add(node.func)
            used.update(node.args)
        elif isinstance(node, (ast.List, ast.Tuple)):
            used.update(node.elts)
    names = {node.id for node in used if isinstance(node, ast.Name)}
    for node in scope:
        if (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and node.targets[0].id in names
        ):
            used.add(node.value)
    return used


def _import_bindings(nodes: list[ast.AST]) -> dict[str, str]:
    """Local name -> dotted name, for every import of the module (functions' own included)."""
    bound: dict[str, str] = {}
    for node in nodes:
        if isinstance(node, ast.Import):
            for alias in node.names:
                local = alias.asname or alias.name.split(".", 1)[0]
                bound[local] = alias.name if alias.asname else local
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                bound[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return bound


def _resolved(expression: ast.expr, bound: dict[str, str]) -> str | None:
    """The canonical Keras name an expression spells, through the module's imports."""
    parts: list[str] = []
    while isinstance(expression, ast.Attribute):
        parts.append(expression.attr)
        expression = expression.value
    if not isinstance(expression, ast.Name) or expression.id not in bound:
        return None
    return canonical(".".join([bound[expression.id], *reversed(parts)]))
