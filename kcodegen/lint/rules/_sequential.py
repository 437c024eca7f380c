"""The layers a module puts into Sequential models, as the ``ast`` shows them: the items of
``Sequential([...])`` and the arguments of ``.add(...)`` on names that hold a Sequential."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from kcodegen.frontend.keras_api import SEQUENTIAL
from kcodegen.lint.rules._ast import Index, method_calls


def sequential_calls(found: Index) -> Iterator[ast.Call]:
    return (call for call in found.calls if found.resolve(call.func) == SEQUENTIAL)


def sequential_names(found: Index) -> set[str]:
    """Variables assigned a ``Sequential(...)`` somewhere in the module."""
    made = {id(call) for call in sequential_calls(found)}
    return {
        name
        for name, values in found.assigned.items()
        if any(id(value) in made for value in values)
    }


def listed_layers(call: ast.Call) -> list[ast.expr]:
    """The items of the layer list literal given to ``Sequential``."""
    layers = call.args[0] if call.args else None
    if layers is None:
        layers = next((kw.value for kw in call.keywords if kw.arg == "layers"), None)
    return list(layers.elts) if isinstance(layers, ast.List | ast.Tuple) else []


def add_calls(found: Index) -> Iterator[tuple[ast.Call, str, ast.expr]]:
    """``model.add(layer)`` calls on a Sequential variable: the call, the variable, the layer."""
    names = sequential_names(found)
    for call, func in method_calls(found, "add"):
        if isinstance(func.value, ast.Name) and func.value.id in names and len(call.args) == 1:
            yield call, func.value.id, call.args[0]
