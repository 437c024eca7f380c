"""The arguments of a builder function that decided what its model's statements built.

kcg follows a builder with the values of the call it meets (``DenseNet([6, 12, 24, 16],
include_top=True)``), so the code it writes in place of the model's statements builds that one
model: an untaken ``if pooling == "avg":`` is gone, a loop over ``blocks`` is written out. Another
call of the converted function (``DenseNet169`` calls it with other blocks) would silently build
the wrong model. So the conversion records which parameters the replaced statements read and
their values, and the converted function checks them (``codegen/followed_guard.py``).
"""

from __future__ import annotations

import ast
import textwrap
from collections.abc import Sequence

import libcst as cst

from kcodegen.frontend.compound import bound_and_read, building_reads
from kcodegen.frontend.errors import Unsupported
from kcodegen.frontend.interpreter import Interpreter
from kcodegen.frontend.records import ModelRecord
from kcodegen.frontend.syntax import is_literal
from kcodegen.frontend.values import (
    ClassVal,
    DictVal,
    FunctionVal,
    InputLayerVal,
    LayerVal,
    ModelVal,
    SequenceVal,
    TensorVal,
    Value,
    constant,
    written_out,
)

# Values that go into the graph itself (a tensor, a layer, a model passed in): the generated
# code uses them as the original does, whatever they are.
_GRAPH_VALUES = (TensorVal, LayerVal, ModelVal, InputLayerVal)


Followed = tuple[str, str, str]


def followed_arguments(
    interp: Interpreter,
    record: ModelRecord,
    body: Sequence[cst.CSTNode],
    statements: Sequence[int],
    passable: set[str],
) -> tuple[tuple[Followed, ...], tuple[tuple[str, tuple[Followed, ...]], ...]]:
    """``(parameter, its value as shown, the test that an argument is another)`` for each
    parameter of the builder ``record.block`` that the replaced statements read. Codegen leaves
    out the checks of those its code passes on. Raises Unsupported for one whose value cannot
    be written as code, but for ``passable`` ones (a generated class can take them): their test
    is empty, and codegen refuses only if its code does not pass them on.

    Also, for each name the replaced statements read that the builder computes in statements
    that stay (``width = units * 2``), the same for the parameters it comes from: codegen checks
    those where it writes that name as its value."""
    function = interp.module_frame.vars.get(record.block)
    if not isinstance(function, FunctionVal):
        return (), ()
    params = function.node.params
    names = [p.name.value for p in [*params.posonly_params, *params.params, *params.kwonly_params]]
    read = set().union(*(building_reads(body[index]) for index in statements))
    entries: dict[str, Followed | None] = {}

    def entry(name: str, soft: bool) -> Followed | None:
        value = record.arguments.get(name)
        if value is None or isinstance(value, _GRAPH_VALUES):
            return None
        checked = _checked(name, value, interp)
        if checked is None and not soft:
            raise Unsupported(unwritable(name, record.block, value.text), record.span.line)
        return (name, *checked) if checked else (name, value.text, "")

    followed = []
    for name in names:
        if name in read and (found := entry(name, name in passable)) is not None:
            followed.append(found)
    derived = []
    for local, sources in _derived(body, statements, read - set(names), set(names)).items():
        for name in sources:
            if name not in entries:
                entries[name] = entry(name, soft=True)
        checks = tuple(found for name in sorted(sources) if (found := entries[name]) is not None)
        if checks:
            derived.append((local, checks))
    return tuple(followed), tuple(derived)


def _derived(
    body: Sequence[cst.CSTNode], statements: Sequence[int], locals_: set[str], names: set[str]
) -> dict[str, set[str]]:
    """For each of ``locals_``, the parameters (``names``) the statements outside the site that
    bind it read, through other such names too."""
    site = set(statements)
    binders: dict[str, list[set[str]]] = {}  # name -> what each statement binding it reads
    for index, statement in enumerate(body):
        if index in site or isinstance(statement, cst.FunctionDef | cst.ClassDef):
            continue
        bound, reads = bound_and_read(statement)
        for name in bound:
            binders.setdefault(name, []).append(reads)
    found: dict[str, set[str]] = {}
    for local in locals_:
        sources: set[str] = set()
        pending, seen = [local], {local}
        while pending:
            for reads in binders.get(pending.pop(), []):
                sources |= reads & names
                fresh = reads - names - seen
                seen |= fresh
                pending.extend(fresh)
        if sources:
            found[local] = sources
    return found


def unwritable(name: str, function: str, shown: str) -> str:
    return (
        f"`{name}` decides what `{function}` builds, and kcg cannot write its value "
        f"(`{shown}`) to check that the converted function is called with it"
    )


def called_otherwise(
    interp: Interpreter, followed: Sequence[tuple[str, str, str]], record: ModelRecord
) -> str | None:
    """Why another call of the builder (``record``) cannot share the converted code: the
    arguments it gives that differ from those followed; None when they are the same."""
    differ = [
        f"{name}={_as_code(record.arguments[name], interp) or record.arguments[name].text}"
        for name, _, test in followed
        if name in record.arguments
        and (_checked(name, record.arguments[name], interp) or (None, None))[1] != test
    ]
    if not differ:
        return None
    return (
        f"is called again with {', '.join(differ)}: the converted function would build the "
        "model of its first call for both"
    )


def _checked(name: str, value: Value, interp: Interpreter) -> tuple[str, str] | None:
    """``value`` written as code, and the test that ``name`` is another: by identity for
    singletons, functions and classes (written as their names), by ``__qualname__`` and the
    values it reads from the function around it for a function defined in another
    (``inspect.getclosurevars``), by equality for the rest. None when it cannot be written."""
    written = _as_code(value, interp)
    if written is None:
        return None
    if "<locals>" in written:
        assert isinstance(value, FunctionVal)
        test = f'getattr({name}, "__qualname__", None) != "{written}"'
        nonlocals = _nonlocals(value, interp)
        if nonlocals is None:
            return None
        if not nonlocals:
            return written, test
        held = ", ".join(f"{free}={code}" for free, code in nonlocals.items())
        as_dict = ", ".join(f'"{free}": {code}' for free, code in nonlocals.items())
        return f"{written} ({held})", f"{test}\n{CLOSURE_CHECK}({name}).nonlocals != {{{as_dict}}}"
    if written in ("None", "True", "False") or isinstance(value, FunctionVal | ClassVal):
        return written, f"{name} is not {written}"
    return written, f"{name} != {written}"


# How a converted function checks the values a function defined in another reads from it
# (``alpha`` of ``MobileNetV3Small`` in its ``stack_fn``); codegen imports ``inspect`` for it.
CLOSURE_CHECK = "inspect.getclosurevars"


def _nonlocals(value: FunctionVal, interp: Interpreter) -> dict[str, str] | None:
    """The names a function defined in a module-level function reads from that function, with
    their values as literals; None when one cannot be written so."""
    closure = value.closure
    name = value.node.name.value
    read = sorted(_free_names(interp.code(value.node)) & closure.vars.keys())
    if name in read:
        return None  # it calls itself through the function around it
    written = {}
    for free in read:
        held = closure.vars[free]
        code = None if isinstance(held, FunctionVal | ClassVal) else _as_code(held, interp)
        if code is None:
            return None
        written[free] = code
    return written


def _free_names(code: str) -> set[str]:
    """The names a function's body reads that it does not bind itself (stdlib ``ast``: keyword
    argument names and attributes are not reads; its defaults are read where it is defined)."""
    definition = ast.parse(textwrap.dedent(code)).body[0]
    assert isinstance(definition, ast.FunctionDef | ast.AsyncFunctionDef)
    loads: set[str] = set()
    own = {argument.arg for argument in ast.walk(definition.args) if isinstance(argument, ast.arg)}
    for statement in definition.body:
        for node in ast.walk(statement):
            if isinstance(node, ast.Name):
                (loads if isinstance(node.ctx, ast.Load) else own).add(node.id)
            elif isinstance(node, ast.arg):
                own.add(node.arg)
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                own.add(node.name)
    return loads - own


def _as_code(value: Value, interp: Interpreter) -> str | None:
    """A Python expression equal to the value: a literal, or a module-level function or class;
    a function defined in a module-level function as its ``__qualname__``
    (``MobileNetV3Small.<locals>.stack_fn``)."""
    if isinstance(value, FunctionVal | ClassVal):
        name = value.node.name.value
        if interp.module_frame.vars.get(name) is value:
            return name
        closure = getattr(value, "closure", None)
        if closure is None or closure.parent is not interp.module_frame:
            return None
        return f"{closure.block}.<locals>.{name}"
    if isinstance(value, SequenceVal | DictVal):
        written = written_out(value)
        return written or None
    found = constant(value)
    if found is None:
        return None
    if isinstance(found.value, str) and found.value.isprintable() and '"' not in found.value:
        return f'"{found.value}"' if "\\" not in found.value else repr(found.value)
    written = repr(found.value)
    return written if is_literal(written) else None
