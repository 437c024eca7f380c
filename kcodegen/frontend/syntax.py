"""Questions about libcst syntax trees that need no interpreter values.

The interpreter asks these of the code it runs: which names a statement binds, which comments go
with it, whether an ``if`` is the ``__main__`` guard, what a call's argument is. Each answer comes
from the tree alone, so they live here, where they can be read and tested without an interpreter.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import libcst as cst

from kcodegen.frontend.cst_search import find_all, find_any_order


def callee_name(func: cst.BaseExpression) -> str | None:
    """``encoder`` for ``encoder(x)`` and ``self.encoder(x)``: the name a nested model goes by."""
    if isinstance(func, cst.Name):
        return func.value
    if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name):
        return func.attr.value if func.value.value == "self" else None
    return None


@lru_cache(maxsize=4096)
def dedented_continuation(code: str) -> str:
    """A multi-line call's text as if it started a line at column 0. Its closing bracket, alone
    on the last line, stands where the line it starts on is indented (a call on a line of its own
    inside ``blocks.append(`` keeps that line's indentation as written)."""
    lines = code.split("\n")
    if len(lines) == 1 or lines[-1].strip() not in {")", "]", "}"}:
        return code
    indent = len(lines[-1]) - len(lines[-1].lstrip(" "))
    if not all(line[:indent].isspace() for line in lines[1:] if line.strip()):
        return code  # a line less indented than that (inside a string): leave it
    return "\n".join([lines[0], *(line[indent:] for line in lines[1:])])


def parse_expression(text: str) -> cst.BaseExpression | None:
    """Parsed value texts, shared: libcst nodes are immutable, and loops substitute the same values."""
    try:
        return cst.parse_expression(text)
    except cst.ParserSyntaxError:
        return None


_LOOPS = (cst.For, cst.While, cst.ListComp, cst.GeneratorExp, cst.Match)


def names_scope(statement: cst.CSTNode) -> bool:
    """``with backend.name_scope(...):`` (NASNet's cells), binding nothing: it only prefixes the
    paths of the variables made in it. A Layer's name, which loading weights by name matches, is
    its ``name=`` or one Keras makes unique, never the scope's; what the layers compute is the
    same. Its statements count as the enclosing block's, and no output writes the ``with``."""
    return (
        isinstance(statement, cst.With)
        and isinstance(statement.body, cst.IndentedBlock)
        and all(
            item.asname is None
            and isinstance(item.item, cst.Call)
            and isinstance(item.item.func, (cst.Name, cst.Attribute))
            and (
                item.item.func.value
                if isinstance(item.item.func, cst.Name)
                else item.item.func.attr.value
            )
            == "name_scope"
            for item in statement.items
        )
    )


def unscoped(statements: Sequence[cst.CSTNode]) -> tuple[cst.CSTNode, ...]:
    """``statements``, each ``names_scope`` ``with`` replaced by its own statements."""
    found: list[cst.CSTNode] = []
    for statement in statements:
        if names_scope(statement):
            found += unscoped(statement.body.body)  # type: ignore[attr-defined]
        else:
            found.append(statement)
    return tuple(found)


def own_statements(function: cst.FunctionDef) -> tuple[cst.CSTNode, ...]:
    """The statements directly in the function's body, a ``names_scope`` ``with``'s among them."""
    return unscoped(function.body.body)


def statements_before(function: cst.FunctionDef, statement: cst.CSTNode) -> tuple[cst.CSTNode, ...]:
    """The ``own_statements`` of the function before ``statement``, one of them."""
    own = own_statements(function)
    return own[: next(i for i, s in enumerate(own) if s is statement)]


def simple_if(statement: cst.If, function: cst.FunctionDef) -> bool:
    """An ``if`` directly in the function's body, holding plain statements, with no ``else`` or
    one that only names what is there (``else: shortcut = x``, as ResNet's blocks write it).
    Its body may hold ``if``s of its own that neither loop nor return (EfficientNet's ``if
    drop_rate > 0:`` in its residual ``if``): they are no Condition, what they did is part of
    the outer ``if``'s body, which the calls that took it must make alike to fold."""
    orelse = statement.orelse
    return (
        (orelse is None or (isinstance(orelse, cst.Else) and _only_names(orelse.body)))
        and any(s is statement for s in own_statements(function))
        and all(
            isinstance(s, cst.SimpleStatementLine)
            or (isinstance(s, cst.If) and not find_any_order(s, *_LOOPS, cst.Return))
            for s in unscoped(statement.body.body)
        )
    )


def mirrored_if(statement: cst.If, function: cst.FunctionDef) -> bool:
    """An ``if`` directly in the function's body whose body only names what is there and whose
    ``else`` holds the plain statements (``if strides == (1, 1): x = inputs`` / ``else: x =
    layers.ZeroPadding2D(...)(inputs)``, as MobileNet writes it): ``simple_if`` turned round."""
    orelse = statement.orelse
    return (
        isinstance(orelse, cst.Else)
        and _only_names(statement.body)
        and any(s is statement for s in own_statements(function))
        and isinstance(orelse.body, cst.IndentedBlock)
        and all(isinstance(s, cst.SimpleStatementLine) for s in unscoped(orelse.body.body))
    )


def conditional_assignment(
    statement: cst.CSTNode,
) -> tuple[str, cst.IfExp, cst.BaseExpression] | None:
    """``name = A if test else B`` where one of ``A`` and ``B`` calls something (builds) and the
    other calls nothing (``shortcut = layers.MaxPooling2D(1, strides=stride)(x) if stride > 1 else
    x``, as ResNetV2 writes it): the name, the expression and the part that builds. It is an
    ``if test: name = A`` whose variable holds ``B`` when not taken."""
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return None
    small = statement.body[0]
    if not (
        isinstance(small, cst.Assign)
        and len(small.targets) == 1
        and isinstance(small.targets[0].target, cst.Name)
        and isinstance(small.value, cst.IfExp)
    ):
        return None
    value = small.value
    calls = [
        bool(find_any_order(part, cst.Call, cst.Lambda)) for part in (value.body, value.orelse)
    ]
    if calls == [True, False]:
        return small.targets[0].target.value, value, value.body
    if calls == [False, True]:
        return small.targets[0].target.value, value, value.orelse
    return None


def chosen_if(statement: cst.If, function: cst.FunctionDef) -> bool:
    """An ``if`` directly in the function's body, holding plain statements that call something,
    whose ``else`` builds only through ``conditional_assignment``s (``else: shortcut =
    layers.MaxPooling2D(...)(x) if stride > 1 else x``, as ResNetV2 writes it): its body is one
    ``if``, each expression in the ``else`` another, under ``not test and`` its own test."""
    orelse = statement.orelse
    if not (
        isinstance(orelse, cst.Else)
        and isinstance(orelse.body, cst.IndentedBlock)
        and any(s is statement for s in own_statements(function))
        and all(isinstance(s, cst.SimpleStatementLine) for s in unscoped(statement.body.body))
        and find_any_order(statement.body, cst.Call)
    ):
        return False
    lines = unscoped(orelse.body.body)
    chosen = [conditional_assignment(s) is not None for s in lines]
    plain = [
        isinstance(s, cst.SimpleStatementLine) and not find_any_order(s, cst.Call, cst.Lambda)
        for s in lines
    ]
    return any(chosen) and all(c or p for c, p in zip(chosen, plain, strict=True))


def chosen_context(
    statement: cst.BaseStatement, function: cst.FunctionDef
) -> tuple[cst.If | None, bool] | None:
    """Where a ``conditional_assignment`` is recorded as an ``if``: directly in the function's
    body (None), or in the ``else`` of a ``chosen_if`` (that ``if``; its test is negated and
    joined to the expression's); None elsewhere, where it is no ``if`` of the helper."""
    if any(s is statement for s in own_statements(function)):
        return None, False
    for outer in own_statements(function):
        if (
            isinstance(outer, cst.If)
            and isinstance(outer.orelse, cst.Else)
            and any(s is statement for s in unscoped(outer.orelse.body.body))
            and chosen_if(outer, function)
        ):
            return outer, True
    return None


def conjoined(first: str, second: str) -> str:
    """``first and second``, each in parentheses where ``and`` would otherwise split it."""

    def operand(text: str) -> str:
        node = parse_expression(text)
        loose = node is None or (
            not node.lpar
            and (
                isinstance(node, (cst.IfExp, cst.Lambda, cst.NamedExpr))
                or (isinstance(node, cst.BooleanOperation) and isinstance(node.operator, cst.Or))
            )
        )
        return f"({text})" if loose else text

    return f"{operand(first)} and {operand(second)}"


def negated(test: cst.BaseExpression, code: str) -> str:
    """The text of ``not test`` (``code`` is its text), as a person writes it: ``a != b`` for
    ``a == b``, ``a is not None`` for ``a is None``."""
    flipped = {cst.Equal: "!=", cst.NotEqual: "==", cst.Is: "is not", cst.IsNot: "is"}
    if isinstance(test, cst.Comparison) and len(test.comparisons) == 1:
        operator = test.comparisons[0].operator
        for kind, text in flipped.items():
            if isinstance(operator, kind):
                module = cst.Module([])
                left = module.code_for_node(test.left)
                right = module.code_for_node(test.comparisons[0].comparator)
                return f"{left} {text} {right}"
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        return cst.Module([]).code_for_node(test.expression)
    if isinstance(test, (cst.Name, cst.Attribute, cst.Call, cst.Subscript)):
        return f"not {code}"  # ``not conv_shortcut``
    return f"not ({code})"


def _only_names(suite: cst.BaseSuite) -> bool:
    """Plain statements that call nothing."""
    return isinstance(suite, cst.IndentedBlock) and all(
        isinstance(s, cst.SimpleStatementLine) and not find_any_order(s, cst.Call, cst.Lambda)
        for s in suite.body
    )


def chain_if(statement: cst.If, function: cst.FunctionDef) -> bool:
    """An ``if`` directly in the function's body with an ``else`` or ``elif``s, that is not
    simple, mirrored or chosen, each branch plain statements or ``if``s that neither loop nor
    return, one calling something (InceptionResNetV2's ``if block_type == "block35": ...`` /
    ``elif block_type == "block17": ...``). Each call takes one of its branches: calls that took
    the same ones make alike what they made from the same code, and fold into a class of their
    own."""
    if statement.orelse is None or not any(s is statement for s in own_statements(function)):
        return False
    if simple_if(statement, function) or mirrored_if(statement, function):
        return False
    if chosen_if(statement, function):
        return False
    suites: list[cst.BaseSuite] = []
    link: cst.If | cst.Else | None = statement
    while isinstance(link, cst.If):
        suites.append(link.body)
        link = link.orelse
    if link is not None:
        suites.append(link.body)
    return any(find_any_order(suite, cst.Call) for suite in suites) and all(
        isinstance(suite, cst.IndentedBlock)
        and not find_any_order(suite, *_LOOPS, cst.Return, cst.FunctionDef, cst.ClassDef)
        for suite in suites
    )


@lru_cache(maxsize=1024)  # asked at every ``if`` a helper runs
def chain_links(function: cst.FunctionDef) -> frozenset[int]:
    """The ids of the ``if`` nodes of the function's ``chain_if``s: each ``if``, each ``elif``."""
    found: set[int] = set()
    for statement in own_statements(function):
        if isinstance(statement, cst.If) and chain_if(statement, function):
            link: cst.If | cst.Else | None = statement
            while isinstance(link, cst.If):
                found.add(id(link))
                link = link.orelse
    return frozenset(found)


def picking_if(statement: cst.If, function: cst.FunctionDef) -> bool:
    """An ``if`` directly in the function's body with an ``else`` (no ``elif``), each holding
    plain statements and ``if``s that neither loop nor return (ConvNeXt's ``if drop_path_rate:
    layer = StochasticDepth(...)`` / ``else: layer = layers.Activation("linear")``): it picks
    what one call builds, which is in the call's key; calls that built alike fold, whichever
    way each went."""
    orelse = statement.orelse
    return (
        isinstance(orelse, cst.Else)
        and any(s is statement for s in own_statements(function))
        and all(
            isinstance(s, cst.SimpleStatementLine | cst.If)
            for suite in (statement.body, orelse.body)
            for s in suite.body
        )
        and not find_any_order(statement, *_LOOPS, cst.Return, cst.Break, cst.Continue)
    )


@lru_cache(maxsize=1024)  # asked at every call of a helper
def picking_tests(function: cst.FunctionDef) -> tuple[cst.BaseExpression, ...]:
    """The tests of the function's ``picking_if``s that are no other kind of ``if`` it has."""
    return tuple(
        s.test
        for s in own_statements(function)
        if isinstance(s, cst.If)
        and picking_if(s, function)
        and not (simple_if(s, function) or mirrored_if(s, function) or chosen_if(s, function))
    )


@lru_cache(maxsize=1024)  # asked at every call of a helper; a loop calls the same one often
def branches(function: cst.FunctionDef) -> bool:
    """Control flow one block class cannot follow: loops, and ``if``s that call something in a
    branch and are not simple, mirrored, chosen, a chain or picking, nor a
    ``conditional_assignment`` where one is an ``if``. An ``if`` or ``x if c else y`` that only
    picks values (``bn_axis = 3 if channels_last else 1``) is no branch: what it picked is in each
    call's layer arguments and
    wiring, which must agree for the calls to fold."""
    if find_any_order(function.body, *_LOOPS):
        return True
    choices: list[cst.If | cst.IfExp] = find_any_order(function.body, cst.If, cst.IfExp)
    lines: list[cst.CSTNode] = list(own_statements(function))
    for outer in own_statements(function):
        if isinstance(outer, cst.If) and chosen_if(outer, function):
            lines += unscoped(outer.orelse.body.body)  # type: ignore[union-attr]
    conditional = {id(found[1]) for s in lines if (found := conditional_assignment(s))}
    simple = [
        choice
        for choice in choices
        if isinstance(choice, cst.If)
        and (
            simple_if(choice, function)
            or mirrored_if(choice, function)
            or chosen_if(choice, function)
            or chain_if(choice, function)
            or picking_if(choice, function)
        )
    ]
    held = {  # ``if``s in a simple one's body, or in a chain's branches, are part of them
        id(inner)
        for choice in simple
        for part in (choice.body, choice.orelse)
        if part is not None
        for inner in find_any_order(part, cst.If)
    }
    for choice in choices:
        if any(choice is s for s in simple) or id(choice) in held:
            continue
        if id(choice) in conditional:  # ``x = layers.X()(x) if test else x``: an ``if`` too
            continue
        chosen = (choice.body, choice.orelse)  # the test may call (``image_data_format()``)
        if any(part is not None and find_any_order(part, cst.Call) for part in chosen):
            return True
    return False


def is_literal(text: str) -> bool:
    try:
        ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return False
    return True


def calls_something(expression: cst.BaseExpression) -> bool:
    return bool(find_all(expression, cst.Call, cst.Lambda))


def string_literal(text: str | None) -> str | None:
    if text is None:
        return None
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return None
    return value if isinstance(value, str) else None


def argument(node: cst.Call, position: int | None, keyword: str) -> cst.BaseExpression | None:
    positional = [a for a in node.args if a.keyword is None and not a.star]
    for arg in node.args:
        if arg.keyword is not None and arg.keyword.value == keyword:
            return arg.value
    if position is not None and position < len(positional):
        return positional[position].value
    return None


def element_comments(
    node: cst.BaseExpression | None, count: int
) -> list[tuple[tuple[str, ...], str | None]]:
    """Comments written in a literal list of layers: the lines above each element and the one
    after it, so that they stay with their layer whatever style the model is rewritten in."""
    if not isinstance(node, (cst.List, cst.Tuple)) or len(node.elements) != count:
        return [((), None)] * count
    above = whitespace_comments(
        node.lbracket.whitespace_after
        if isinstance(node, cst.List)
        else (node.lpar[0].whitespace_after if node.lpar else None)
    )
    notes = []
    for index, element in enumerate(node.elements):
        after = element.comma.whitespace_after if isinstance(element.comma, cst.Comma) else None
        if index == count - 1 and not isinstance(after, cst.ParenthesizedWhitespace):
            after = node.rbracket.whitespace_before if isinstance(node, cst.List) else None
        trailing = (
            after.first_line.comment.value
            if isinstance(after, cst.ParenthesizedWhitespace) and after.first_line.comment
            else None
        )
        notes.append((above, trailing))
        above = whitespace_comments(after)
    return notes


def whitespace_comments(whitespace: cst.BaseParenthesizableWhitespace | None) -> tuple[str, ...]:
    if not isinstance(whitespace, cst.ParenthesizedWhitespace):
        return ()
    return tuple(line.comment.value for line in whitespace.empty_lines if line.comment)


def simple_index(node: cst.Subscript) -> bool:
    return len(node.slice) == 1 and isinstance(node.slice[0].slice, cst.Index)


def method(cls: cst.ClassDef, name: str) -> cst.FunctionDef | None:
    for statement in cls.body.body:
        if isinstance(statement, cst.FunctionDef) and statement.name.value == name:
            return statement
    return None


def is_main_guard(test: cst.BaseExpression) -> bool:
    return (
        isinstance(test, cst.Comparison)
        and isinstance(test.left, cst.Name)
        and test.left.value == "__name__"
        and len(test.comparisons) == 1
        and isinstance(test.comparisons[0].comparator, cst.SimpleString)
        and test.comparisons[0].comparator.evaluated_value == "__main__"
    )


def assigned_names(node: cst.CSTNode) -> set[str]:
    """The names assignments and ``for`` loops under ``node`` bind."""
    binders = (cst.AssignTarget, cst.AugAssign, cst.AnnAssign, cst.For)
    found: list[cst.AssignTarget | cst.AugAssign | cst.AnnAssign | cst.For]
    found = find_any_order(node, *binders)  # type: ignore[arg-type]
    return set().union(*(target_names(binder.target) for binder in found))


@lru_cache(maxsize=1024)  # asked at every call of a helper
def rebound_parameters(function: cst.FunctionDef) -> tuple[str, ...]:
    """The function's parameters its body assigns, in order."""
    params = function.params
    names = [p.name.value for p in [*params.posonly_params, *params.params, *params.kwonly_params]]
    assigned = assigned_names(function.body)
    return tuple(name for name in names if name in assigned)


@lru_cache(maxsize=1024)  # asked at every call of a helper
def called_parameters(function: cst.FunctionDef) -> tuple[str, ...]:
    """The function's parameters its body reads only as what it calls (``activation(x)``): a
    block class may take, in their place, the class a helper it is given folded into. Any other
    reading or binding of the name (``activation.__name__``, ``layers.Activation(activation)``,
    a nested function's parameter) leaves the value itself in use."""
    params = function.params
    names = {p.name.value for p in [*params.posonly_params, *params.params, *params.kwonly_params]}
    called = {id(call.func) for call in find_any_order(function.body, cst.Call)}
    found: dict[str, bool] = {}
    for name in find_any_order(function.body, cst.Name):
        if name.value in names:
            found[name.value] = found.get(name.value, True) and id(name) in called
    return tuple(sorted(name for name, only in found.items() if only))


def changed_objects(node: cst.CSTNode) -> set[str]:
    """Names whose objects a statement changes: ``model.add(...)``, ``base.trainable = ...``."""
    changed = set()
    for found in find_all(node, cst.Expr, cst.AssignTarget):
        target: cst.CSTNode | None = None
        if isinstance(found, cst.AssignTarget):
            target = found.target
        elif isinstance(found, cst.Expr) and isinstance(found.value, cst.Call):
            target = found.value.func
        if isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name):
            changed.add(target.value.value)
    return changed


def assigned_attributes(node: cst.CSTNode, owner: str) -> set[str]:
    """The attributes of ``owner`` a statement assigns: ``self.add = ...`` -> ``add``."""
    return {
        target.target.attr.value
        for target in find_all(node, cst.AssignTarget)
        if isinstance(target.target, cst.Attribute)
        and isinstance(target.target.value, cst.Name)
        and target.target.value.value == owner
    }


def target_names(target: cst.BaseExpression) -> set[str]:
    if isinstance(target, cst.Name):
        return {target.value}
    if isinstance(target, (cst.Tuple, cst.List)):
        return set().union(*(target_names(e.value) for e in target.elements))
    return set()


def unpacked_count(call: cst.FunctionDef, param: str) -> int:
    """``a, b = inputs`` in call(): the number of names the inputs are unpacked into."""
    found = 0

    class Finder(cst.CSTVisitor):
        def visit_Assign(self, assign: cst.Assign) -> None:
            nonlocal found
            if isinstance(assign.value, cst.Name) and assign.value.value == param:
                for target in assign.targets:
                    if isinstance(target.target, (cst.Tuple, cst.List)):
                        found = len(target.target.elements)

    call.visit(Finder())
    return found


def quoted(text: str) -> str:
    """``text`` as a Python string literal, double-quoted as formatters write them."""
    if '"' in text or "\\" in text or not text.isprintable():
        return repr(text)
    return f'"{text}"'


def subscript_keys(call: cst.FunctionDef, param: str) -> list[Any]:
    keys: list[Any] = []

    class Finder(cst.CSTVisitor):
        def visit_Subscript(self, node: cst.Subscript) -> None:
            if (
                isinstance(node.value, cst.Name)
                and node.value.value == param
                and simple_index(node)
            ):
                index = node.slice[0].slice.value  # type: ignore[attr-defined]
                if isinstance(index, (cst.SimpleString, cst.Integer)):
                    key = ast.literal_eval(index.value)
                    if key not in keys:
                        keys.append(key)

    call.visit(Finder())
    return keys


def comments(statement: cst.CSTNode) -> tuple[str, ...]:
    lines = getattr(statement, "leading_lines", ())
    return tuple(line.comment.value for line in lines if line.comment is not None)


def trailing_comment(statement: cst.CSTNode) -> str | None:
    if isinstance(statement, cst.SimpleStatementLine):
        comment = statement.trailing_whitespace.comment
        return comment.value if comment is not None else None
    return None
