"""Whether a loop or ``if`` that helps build a model can be replaced by the generated code.

The splice replaces every statement of a model's site. A ``for`` (or ``while``) that stacks blocks
(``for filters in (16, 32): x = block(x, filters)``) goes with it when all it does is build: its
statements only assign names or add layers, and no code outside the site reads a name it binds
(the loop variable, a ``stride`` it computes; functions are not searched: their names are their
own). Anything else it does (a ``print``, a list it
fills for later) would be lost, so such a statement keeps the model from being rewritten in place.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

import libcst as cst

from kcodegen.frontend.cst_search import find_all, find_any_order

# Methods a building loop may call as statements: adding layers, collecting tensors.
_BUILDING_METHODS = frozenset({"add", "append"})
# Statements a building loop may hold besides those calls.
_HARMLESS = (cst.Assign, cst.AugAssign, cst.AnnAssign, cst.Pass, cst.Break, cst.Continue)


def why_not_replaceable(
    statement: cst.CSTNode, body: Sequence[cst.CSTNode], site: Collection[int]
) -> str | None:
    """None when ``statement`` (in ``body``, with the site's statement indexes) can be replaced."""
    if not isinstance(statement, cst.For | cst.While | cst.If):
        return "it is inside a compound statement kcg does not rewrite"
    kept = kept_part(statement) if isinstance(statement, cst.If | cst.For) else None
    for small in find_all(statement, cst.SimpleStatementLine):
        for part in small.body:
            if not _builds(part) and not isinstance(statement, cst.If | cst.For):
                code = cst.Module([]).code_for_node(part).strip()
                return f"the statement around it also runs `{code}`"
    bound = _bound_names(statement) | _appended_to(statement)
    site_bound = set().union(*(_bound_names(body[i]) for i in site)) | bound
    if kept is not None:
        own = _names(kept.target) if isinstance(kept, cst.For) else set()  # its loop variables
        read = (_read_names(kept) - own) & site_bound
        if read:
            code = cst.Module([]).code_for_node(kept.body).strip().splitlines()[0]
            return (
                f"`{code}` stays, and reads `{sorted(read)[0]}`, which the model's statements set"
            )
    # Statements before it run before it binds anything (``for i`` in an earlier loop).
    position = next((i for i, other in enumerate(body) if other is statement), -1)
    for index, other in enumerate(body):
        if index <= position or index in site:
            continue
        if not isinstance(other, cst.FunctionDef | cst.ClassDef):
            read = bound & _read_names(other)
            if read:
                return f"`{sorted(read)[0]}`, which the statement around it sets, is used elsewhere"
    return None


def kept_part(statement: cst.If | cst.For) -> cst.If | cst.For | None:
    """The ``if`` (or ``for``) with only what does not build the model
    (``validate_activation(...)``, a ``raise``), to stay where it is while the model's statements
    go; None when nothing is left. Its tests and iterable stay as written, so what it checks is
    checked for every argument, as before (EfficientNet checks each block's repeats in the loop
    that builds the blocks)."""
    if isinstance(statement, cst.For):
        return _kept_loop(statement)
    return _kept_if(statement)


def _kept_if(statement: cst.If) -> cst.If | None:
    if not isinstance(statement.body, cst.IndentedBlock):  # `if test: a; b` on one line
        return None if all(_builds(part) for part in statement.body.body) else statement
    body = _kept_statements(statement.body.body)
    orelse = statement.orelse
    kept_else: cst.If | cst.Else | None = None
    if isinstance(orelse, cst.If):
        kept_else = _kept_if(orelse)
    elif isinstance(orelse, cst.Else) and not isinstance(orelse.body, cst.IndentedBlock):
        kept_else = None if all(_builds(part) for part in orelse.body.body) else orelse
    elif isinstance(orelse, cst.Else) and isinstance(orelse.body, cst.IndentedBlock):
        rest = _kept_statements(orelse.body.body)
        kept_else = orelse.with_changes(body=orelse.body.with_changes(body=rest)) if rest else None
    if not body and kept_else is None:
        return None
    if not body:
        body = [cst.SimpleStatementLine([cst.Pass()])]
    first = body[0]
    if isinstance(first, cst.SimpleStatementLine | cst.BaseCompoundStatement):
        # What stays starts the block: no blank line under its `if` (comments stay).
        lines = list(first.leading_lines)
        while lines and lines[0].comment is None:
            lines.pop(0)
        body[0] = first.with_changes(leading_lines=lines)
    return statement.with_changes(body=statement.body.with_changes(body=body), orelse=kept_else)


def building_reads(statement: cst.CSTNode) -> set[str]:
    """The names read by what a conversion replaces of one site statement: all of a simple
    statement or a loop; of an ``if``, its tests and what builds, not what ``kept_part`` keeps."""
    read: set[str] = set()
    pending = [statement]
    while pending:
        current = pending.pop()
        if isinstance(current, cst.If):
            read |= _read_names(current.test)
            pending.extend(current.body.body)  # type: ignore[arg-type]
            if current.orelse is not None:
                pending.append(current.orelse)
        elif isinstance(current, cst.Else):
            pending.extend(current.body.body)  # type: ignore[arg-type]
        elif isinstance(current, cst.SimpleStatementLine):
            read |= set().union(*(_read_names(part) for part in current.body if _builds(part)))
        elif isinstance(current, cst.BaseSmallStatement):
            read |= _read_names(current) if _builds(current) else set()
        else:
            read |= _read_names(current)
    return read


def _kept_loop(statement: cst.For) -> cst.For | None:
    if statement.orelse is not None or not isinstance(statement.body, cst.IndentedBlock):
        parts = [p for small in find_all(statement, cst.SimpleStatementLine) for p in small.body]
        return None if all(_builds(part) for part in parts) else statement
    body = _kept_statements(statement.body.body)
    if not body:
        return None
    return statement.with_changes(body=statement.body.with_changes(body=body))


def _kept_statements(statements: Sequence[cst.BaseStatement]) -> list[cst.BaseStatement]:
    kept: list[cst.BaseStatement] = []
    for statement in statements:
        if isinstance(statement, cst.SimpleStatementLine):
            if not all(_builds(part) for part in statement.body):
                kept.append(statement)
        elif isinstance(statement, cst.If):
            inner = _kept_if(statement)
            if inner is not None:
                kept.append(inner)
        elif not all(
            _builds(part)
            for small in find_all(statement, cst.SimpleStatementLine)
            for part in small.body
        ):  # a loop or a `with` that does more than build stays whole (and is checked for reads)
            kept.append(statement)
    return kept


def _builds(part: cst.CSTNode) -> bool:
    """A statement a model's construction is made of: an assignment, ``model.add(...)``."""
    return isinstance(part, _HARMLESS) or _is_building_call(part)


def setup_statements(body: Sequence[cst.CSTNode], site: Collection[int]) -> set[int]:
    """Statements that only start a collection the site fills (``skips = []``): nothing else
    reads the name, so they go with the site instead of staying behind, unused."""
    found = set()
    for index, statement in enumerate(body):
        if index in site or not _starts_empty_collection(statement):
            continue
        names = _bound_names(statement)
        readers = {i for i, other in enumerate(body) if i != index and names & _read_names(other)}
        if readers and readers <= set(site):
            found.add(index)
    return found


def joining_statements(body: Sequence[cst.CSTNode], site: Collection[int]) -> set[int]:
    """Statements among the site's that only build and read what the site builds, nothing else
    reading what they bind: ``last_ch = _depth(x.shape[-1] * 6)`` between a model's layers, an
    untaken ``if preact: x = ...(x)``, or ``blocks.append(stem)`` filling a list only the site
    reads. They belong to the model's construction: the generated code replaces them (kept, they
    would read what it no longer defines)."""
    if not site:
        return set()
    members = set(site)
    bound = set().union(*(_bound_names(body[i]) for i in members))
    found: set[int] = set()
    reads: list[set[str]] | None = None  # each statement's, once a candidate needs them
    for index in range(min(members), max(members)):
        statement = body[index]
        if index in members or not (_only_builds(statement) or _only_fills(statement)):
            continue
        if not _read_names(statement) & bound:
            continue
        if reads is None:
            reads = [
                set() if isinstance(other, cst.FunctionDef | cst.ClassDef) else _read_names(other)
                for other in body
            ]
        names = _bound_names(statement) | _appended_to(statement)
        readers = {i for i, read in enumerate(reads) if i != index and names & read}
        if readers <= members:
            found.add(index)
            members.add(index)
            bound |= names
    return found


def _only_builds(statement: cst.CSTNode) -> bool:
    """Assignments to plain names, alone or under ``if``/``for``: nothing else (setting
    ``layer.trainable`` or a list's item does more than compute, and stays)."""
    if not isinstance(statement, cst.SimpleStatementLine | cst.If | cst.For):
        return False
    parts = [
        part for small in find_any_order(statement, cst.SimpleStatementLine) for part in small.body
    ]
    return all(_assigns_names(part) for part in parts)


def _only_fills(statement: cst.CSTNode) -> bool:
    """``name.append(...)`` as a statement of its own."""
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and len(statement.body) == 1
        and bool(_appended_to(statement))
    )


def _assigns_names(part: cst.CSTNode) -> bool:
    if isinstance(part, cst.Assign):
        targets = [target.target for target in part.targets]
    elif isinstance(part, cst.AnnAssign | cst.AugAssign):
        targets = [part.target]
    else:
        return False
    return all(
        isinstance(target, cst.Name)
        or (
            isinstance(target, cst.Tuple | cst.List)
            and all(isinstance(e.value, cst.Name) for e in target.elements)
        )
        for target in targets
    )


def _starts_empty_collection(statement: cst.CSTNode) -> bool:
    """``name = []`` (or ``{}``, ``()``) as a statement of its own."""
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return False
    assign = statement.body[0]
    return (
        isinstance(assign, cst.Assign)
        and all(isinstance(t.target, cst.Name) for t in assign.targets)
        and isinstance(assign.value, cst.List | cst.Dict | cst.Tuple)
        and not assign.value.elements
    )


def _appended_to(statement: cst.CSTNode) -> set[str]:
    """Lists the statement fills (``taps.append(x)``): read elsewhere, they would be empty."""
    names = set()
    for expression in find_any_order(statement, cst.Expr):
        call = expression.value
        if (
            isinstance(call, cst.Call)
            and isinstance(call.func, cst.Attribute)
            and call.func.attr.value == "append"
            and isinstance(call.func.value, cst.Name)
        ):
            names.add(call.func.value.value)
    return names


def bound_and_read(statement: cst.CSTNode) -> tuple[set[str], set[str]]:
    """The names ``statement`` assigns, and those it reads."""
    return _bound_names(statement), _read_names(statement)


def _bound_names(statement: cst.CSTNode) -> set[str]:
    """Names assigned anywhere in ``statement``: loop variables and assignment targets."""
    targets: list[cst.CSTNode] = []
    kinds = (cst.Assign, cst.AugAssign, cst.AnnAssign, cst.For)
    # A simple statement's assignments are its parts: expressions hold none (a walk of a
    # 10,000-layer Sequential's list would find nothing).
    if isinstance(statement, cst.SimpleStatementLine):
        found: Sequence[cst.CSTNode] = [part for part in statement.body if isinstance(part, kinds)]
    else:
        found = find_any_order(statement, *kinds)
    for node in found:
        if isinstance(node, cst.Assign):
            targets += [t.target for t in node.targets]
        elif isinstance(node, cst.AugAssign | cst.AnnAssign | cst.For):
            targets.append(node.target)
    return {name for target in targets for name in _names(target)}


def _names(node: cst.CSTNode) -> set[str]:
    return {name.value for name in find_any_order(node, cst.Name)}


def _read_names(node: cst.CSTNode) -> set[str]:
    """Names ``node`` reads: all but plain assignment targets (``filters = 8`` reads nothing)."""
    stores: list[cst.BaseExpression] = []
    for assign in find_any_order(node, cst.Assign, cst.AnnAssign, cst.For):
        targets = [t.target for t in assign.targets] if isinstance(assign, cst.Assign) else []
        if isinstance(assign, cst.AnnAssign | cst.For):
            targets = [assign.target]
        stores += [t for t in targets if isinstance(t, cst.Name | cst.Tuple | cst.List)]
    written = {id(name) for target in stores for name in _plain_names(target)}
    return {name.value for name in find_any_order(node, cst.Name) if id(name) not in written}


def _plain_names(target: cst.BaseExpression) -> list[cst.Name]:
    """The names a target binds, without those inside ``a.b`` or ``a[i]`` (which read ``a``)."""
    if isinstance(target, cst.Name):
        return [target]
    if isinstance(target, cst.Tuple | cst.List):
        return [name for element in target.elements for name in _plain_names(element.value)]
    return []


def _is_building_call(statement: cst.CSTNode) -> bool:
    """``something.add(...)`` or ``something.append(...)`` as a statement."""
    return (
        isinstance(statement, cst.Expr)
        and isinstance(statement.value, cst.Call)
        and isinstance(statement.value.func, cst.Attribute)
        and statement.value.func.attr.value in _BUILDING_METHODS
    )
