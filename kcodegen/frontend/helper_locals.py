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
    before anything else reads it (MobileNet's ``filters = int(filters * alpha)``), and where
    only its shape is read before the body first rebinds it (MobileNetV3's ``infilters =
    x.shape[channel_axis]``, ``x`` the block's input)."""
    tree = _Unscoped().visit(ast.parse(textwrap.dedent(code)).body[0])
    if not isinstance(tree, ast.FunctionDef | ast.AsyncFunctionDef):
        return ()
    parameters = {a.arg for a in ast.walk(tree.args) if isinstance(a, ast.arg)}
    bound: dict[str, int] = {}
    first_bound: dict[str, int] = {}  # the line each name is first bound on
    for node in ast.walk(tree):
        if isinstance(node, ast.Global | ast.Nonlocal):
            return ()
        for name in _binds(node):
            bound[name] = bound.get(name, 0) + 1
            line = getattr(node, "lineno", tree.lineno)
            first_bound[name] = min(first_bound.get(name, line), line)
    source = textwrap.dedent(code)
    found: dict[str, str] = {}
    first: dict[str, tuple[ast.Assign, str]] = {}  # names assigned twice: the first time
    branches = _if_branches(tree)
    either = _either_branch(tree.body)
    for statement in _straight_line(tree.body):
        target = statement.targets[0]
        assert isinstance(target, ast.Name)
        name, value = target.id, statement.value
        if bound.get(name) not in (1, 2) or not _is_value(value):
            continue
        if name in parameters and (bound[name] != 1 or not _rebound_first(tree, statement, name)):
            continue

        end = statement.end_lineno or statement.lineno
        shapes = {  # parameters whose shape it reads, not yet rebound
            read
            for read in _shapes_read(value) & parameters
            if first_bound.get(read, end + 1) > end
        }

        def allowed(read: str, rebinding: str = name, shapes: set[str] = shapes) -> bool:
            """A parameter as the call passed it (the one rebound, here, or one whose shape is
            read before it is rebound), a name found so before, or a module name."""
            return read in found or read == rebinding or read not in bound or read in shapes

        text = _text(source, value)
        if text is None or not all(allowed(read) for read in _reads(value)):
            continue
        if bound[name] == 1:
            found[name] = text
        elif any(s is statement for s in tree.body):
            first[name] = (statement, text)
        elif name not in first and either.get(id(statement), (None, False))[1]:
            first[name] = (statement, text)  # ``if strides == 2: conv_pad = "valid"``
        elif name in first and id(statement) in either and id(first[name][0]) in either:
            branch_if, in_body = either[id(statement)]
            assigned, before = first[name]
            if either[id(assigned)] != (branch_if, True) or in_body:
                continue
            if any(read not in found and read in bound for read in _reads(branch_if.test)):
                continue
            if any(
                isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Load)
                for n in ast.walk(branch_if)
            ):
                continue  # read in the ``if`` itself, where it held one of them
            condition = _text(source, branch_if.test)
            if condition is not None:  # ``else: conv_pad = "same"``: one expression for both
                taken, otherwise = _wrapped(before, assigned.value), _wrapped(text, value)
                found[name] = f"{taken} if {_wrapped(condition, branch_if.test)} else {otherwise}"
        elif name in first and id(statement) in branches:
            test = branches[id(statement)][0].test
            if all(read in found or read not in bound for read in _reads(test)):
                written = _rebound_in_if(tree, source, first[name], statement, branches, text)
                if written is not None:
                    found[name] = written
    return tuple(found.items())


@lru_cache(maxsize=1024)  # asked at every pass of a loop
def loop_derived(code: str) -> tuple[tuple[str, str], ...]:
    """``(name, expression)`` for each name a ``for`` loop's body (``code`` is the statement)
    assigns once, on its own level, from the loop's targets, names it assigned so before and
    names from outside the loop: Xception's ``prefix = f"block{i + 5}"``. A loop kept as a loop
    reads such a name through its expression, the same in every pass."""
    tree = _Unscoped().visit(ast.parse(textwrap.dedent(code)).body[0])
    if not isinstance(tree, ast.For):
        return ()
    bound: dict[str, int] = {}
    for statement in tree.body:
        for node in ast.walk(statement):
            if isinstance(node, ast.Global | ast.Nonlocal):
                return ()
            for name in _binds(node):
                bound[name] = bound.get(name, 0) + 1
    targets = {n.id for n in ast.walk(tree.target) if isinstance(n, ast.Name)}
    source = textwrap.dedent(code)
    found: dict[str, str] = {}
    read_so_far: set[str] = set()  # a name read before its assignment reads the last pass's
    for statement in tree.body:
        assigned = _single_assignment(statement)
        read_so_far |= _reads(assigned[1] if assigned else statement)
        if assigned is None:
            continue
        name, value = assigned
        if bound.get(name) != 1 or name in targets | read_so_far or not _is_value(value):
            continue
        text = _text(source, value)
        if text is not None and all(
            read in found or read in targets or read not in bound for read in _reads(value)
        ):
            found[name] = text
    return tuple(found.items())


class _Unscoped(ast.NodeTransformer):
    """Each ``with ...name_scope(...):`` replaced by its statements: they run once, where it is,
    and the scope names nothing a block class writes (``syntax.names_scope``)."""

    def visit_With(self, node: ast.With) -> ast.AST | list[ast.stmt]:
        self.generic_visit(node)
        scopes = all(
            item.optional_vars is None
            and isinstance(item.context_expr, ast.Call)
            and "name_scope"
            in (
                getattr(item.context_expr.func, "attr", None),
                getattr(item.context_expr.func, "id", None),
            )
            for item in node.items
        )
        return node.body if scopes else node


def _single_assignment(statement: ast.stmt) -> tuple[str, ast.expr] | None:
    """``name = value`` as ``(name, value)``."""
    if (
        isinstance(statement, ast.Assign)
        and len(statement.targets) == 1
        and isinstance(statement.targets[0], ast.Name)
    ):
        return statement.targets[0].id, statement.value
    return None


def _if_branches(
    function: ast.FunctionDef | ast.AsyncFunctionDef,
) -> dict[int, tuple[ast.If, list[ast.stmt], list[ast.stmt], bool]]:
    """Each statement directly in a branch of an ``if`` of the function's own body: the ``if``,
    that branch, the other, and whether it is the ``if``'s body (not its ``else``)."""
    found: dict[int, tuple[ast.If, list[ast.stmt], list[ast.stmt], bool]] = {}
    for statement in function.body:
        if isinstance(statement, ast.If) and not (
            len(statement.orelse) == 1 and isinstance(statement.orelse[0], ast.If)
        ):
            for child in statement.body:
                found[id(child)] = (statement, statement.body, statement.orelse, True)
            for child in statement.orelse:
                found[id(child)] = (statement, statement.orelse, statement.body, False)
    return found


def _either_branch(body: list[ast.stmt]) -> dict[int, tuple[ast.If, bool]]:
    """Each single-name assignment directly in a branch of an ``if`` (at any depth of ``if``s)
    that has an ``else``: the ``if``, and whether it is in its body (not its ``else``)."""
    found: dict[int, tuple[ast.If, bool]] = {}
    pending = list(body)
    while pending:
        statement = pending.pop()
        if not isinstance(statement, ast.If):
            continue
        pending.extend([*statement.body, *statement.orelse])
        if not statement.orelse or isinstance(statement.orelse[0], ast.If):
            continue  # no ``else``, or an ``elif``
        for branch, mark in ((statement.body, True), (statement.orelse, False)):
            for child in branch:
                if _single_assignment(child) is not None:
                    found[id(child)] = (statement, mark)
    return found


def _rebound_in_if(
    function: ast.FunctionDef | ast.AsyncFunctionDef,
    source: str,
    first: tuple[ast.Assign, str],
    statement: ast.Assign,
    branches: dict[int, tuple[ast.If, list[ast.stmt], list[ast.stmt], bool]],
    text: str,
) -> str | None:
    """MobileNetV3's ``prefix = "expanded_conv_"`` then ``if block_id: prefix = f"...{block_id}_"``
    as one expression, ``f"...{block_id}_" if block_id else "expanded_conv_"``; None where the
    name is read where the expression would not give what it held there: between the two, or in
    the ``if``'s branch before it is rebound."""
    assigned, before = first
    branch_if, branch, other, in_body = branches[id(statement)]
    order = [id(s) for s in function.body]
    if order.index(id(branch_if)) < order.index(id(assigned)):
        return None
    name = statement.targets[0].id  # type: ignore[attr-defined]
    after = {id(n) for s in branch[branch.index(statement) + 1 :] for n in ast.walk(s)}
    elsewhere = {id(n) for s in other for n in ast.walk(s)}
    end = branch_if.end_lineno or branch_if.lineno
    for node in ast.walk(function):
        if not (isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Load)):
            continue
        if node.lineno > end or id(node) in after or id(node) in elsewhere:
            continue
        return None
    test = _text(source, branch_if.test)
    if test is None:
        return None
    parts = [_wrapped(text, statement.value), _wrapped(before, assigned.value)]
    taken, otherwise = parts if in_body else reversed(parts)
    return f"{taken} if {_wrapped(test, branch_if.test)} else {otherwise}"


def _text(source: str, node: ast.expr) -> str | None:
    """The expression as written, where it is on one line."""
    text = ast.get_source_segment(source, node)
    return text if text is not None and "\n" not in text else None


def _wrapped(text: str, node: ast.expr) -> str:
    """``text`` in parentheses where it binds more loosely than a conditional's parts."""
    return f"({text})" if isinstance(node, ast.IfExp | ast.Lambda | ast.NamedExpr) else text


def _shapes_read(node: ast.AST) -> set[str]:
    """The names ``node`` reads only as ``name.shape``."""
    shaped = {
        id(n.value)
        for n in ast.walk(node)
        if isinstance(n, ast.Attribute) and n.attr == "shape" and isinstance(n.value, ast.Name)
    }
    names = [n for n in ast.walk(node) if isinstance(n, ast.Name)]
    return {n.id for n in names} - {n.id for n in names if id(n) not in shaped}


def _reads(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


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
