"""Names a helper computes from its parameters alone, for block classes to write as expressions.

InceptionResNetV2's ``conv2d_bn`` names its batch norm ``bn_name = None if name is None else
f"{name}_bn"`` and passes ``name=bn_name``. A block class made from the helper has no
``bn_name``: it writes the expression in its place (``codegen/helper_locals.py``), where the
class takes ``name``. Without this the layer is written with one call's value, and calls that
differ in it do not fold into one class.
"""

from __future__ import annotations

import ast
import textwrap
from functools import lru_cache

_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
_NOT_VALUES = (ast.NamedExpr, ast.Yield, ast.YieldFrom, ast.Await, *_SCOPES, *_COMPREHENSIONS)


@lru_cache(maxsize=1024)  # asked at every call of a helper
def derived_locals(code: str) -> tuple[tuple[str, str], ...]:
    """``(name, expression)`` for each name the helper (``code`` is its source) assigns once,
    outside loops, from its parameters, names it assigned so before, and module names: the
    expression reads no other name of the helper, makes no object (a call of a capitalized name,
    ``layers.Dense(...)``) and binds nothing. A parameter counts where the body rebinds it so
    before anything else reads it (MobileNet's ``filters = int(filters * alpha)``)."""
    tree = ast.parse(textwrap.dedent(code)).body[0]
    if not isinstance(tree, ast.FunctionDef | ast.AsyncFunctionDef):
        return ()
    parameters = {a.arg for a in ast.walk(tree.args) if isinstance(a, ast.arg)}
    bound: dict[str, int] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Global | ast.Nonlocal):
            return ()
        for name in _binds(node):
            bound[name] = bound.get(name, 0) + 1
    source = textwrap.dedent(code)
    found: dict[str, str] = {}
    for statement in _straight_line(tree.body):
        target = statement.targets[0]
        assert isinstance(target, ast.Name)
        name, value = target.id, statement.value
        if bound.get(name) != 1 or not _is_value(value):
            continue
        if name in parameters and not _rebound_first(tree, statement, name):
            continue
        reads = {n.id for n in ast.walk(value) if isinstance(n, ast.Name)}

        def allowed(read: str, rebinding: str = name) -> bool:
            """A parameter as the call passed it (the one rebound, here), a name found so
            before, or a module name."""
            if read in found or read == rebinding:
                return True
            if read in parameters:
                return read not in bound
            return read not in bound

        if all(allowed(read) for read in reads):
            text = ast.get_source_segment(source, value)
            if text is not None and "\n" not in text:
                found[name] = text
    return tuple(found.items())


def _rebound_first(
    function: ast.FunctionDef | ast.AsyncFunctionDef, statement: ast.Assign, name: str
) -> bool:
    """``statement`` rebinds the parameter ``name`` in the function's own body (not in an
    ``if``), and nothing but its value reads the parameter before it."""
    if not any(s is statement for s in function.body):
        return False
    value = {id(node) for node in ast.walk(statement.value)}
    return all(
        id(node) in value or node.lineno > (statement.end_lineno or statement.lineno)
        for node in ast.walk(function)
        if isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Load)
    )


def _straight_line(body: list[ast.stmt]) -> list[ast.Assign]:
    """The single-name assignments of ``body`` and of the ``if``s in it, in order (not those in
    loops, ``try`` or ``with``, which may run any number of times)."""
    found: list[ast.Assign] = []
    pending = list(reversed(body))
    while pending:
        statement = pending.pop()
        if (
            isinstance(statement, ast.Assign)
            and len(statement.targets) == 1
            and isinstance(statement.targets[0], ast.Name)
        ):
            found.append(statement)
        elif isinstance(statement, ast.If):
            pending.extend(reversed([*statement.body, *statement.orelse]))
    return found


def _binds(node: ast.AST) -> list[str]:
    """The names ``node`` binds in the helper's scope (nested scopes counted too: conservative)."""
    if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
        return [node.id]
    if isinstance(node, ast.arg):
        return []  # parameters, counted apart
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return [node.name]
    if isinstance(node, ast.alias):
        return [(node.asname or node.name).split(".")[0]]
    if isinstance(node, ast.ExceptHandler) and node.name:
        return [node.name]
    return []


def _is_value(value: ast.expr) -> bool:
    """An expression that only computes a value: no object made, nothing bound."""
    for node in ast.walk(value):
        if isinstance(node, _NOT_VALUES):
            return False
        if isinstance(node, ast.Call):
            callee = node.func
            last = callee.attr if isinstance(callee, ast.Attribute) else getattr(callee, "id", "")
            if not last or last[:1].isupper():
                return False
    return True
