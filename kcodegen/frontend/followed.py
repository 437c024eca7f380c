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

from kcodegen.frontend.compound import building_reads
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


def followed_arguments(
    interp: Interpreter,
    record: ModelRecord,
    body: Sequence[cst.CSTNode],
    statements: Sequence[int],
    exempt: set[str],
) -> tuple[tuple[str, str, str], ...]:
    """``(parameter, its value as shown, the test that an argument is another)`` for each
    parameter of the builder ``record.block`` that the replaced statements read, but ``exempt``
    (parameters the generated code takes itself). Raises Unsupported for one whose value
    cannot be written as code."""
    function = interp.module_frame.vars.get(record.block)
    if not isinstance(function, FunctionVal):
        return ()
    params = function.node.params
    names = [p.name.value for p in [*params.posonly_params, *params.params, *params.kwonly_params]]
    read = set().union(*(building_reads(body[index]) for index in statements))
    followed = []
    for name in names:
        value = record.arguments.get(name)
        if name not in read or name in exempt or value is None or isinstance(value, _GRAPH_VALUES):
            continue
        written = _as_code(value, interp)
        test = _differs(name, written, value) if written is not None else None
        if written is None or test is None:
            raise Unsupported(
                f"`{name}` decides what `{record.block}` builds, and kcg cannot write its value "
                f"(`{value.text}`) to check that the converted function is called with it",
                record.span.line,
            )
        followed.append((name, written, test))
    return tuple(followed)


def called_otherwise(
    interp: Interpreter, followed: Sequence[tuple[str, str, str]], record: ModelRecord
) -> str | None:
    """Why another call of the builder (``record``) cannot share the converted code: the
    arguments it gives that differ from those followed; None when they are the same."""
    differ = [
        f"{name}={_as_code(record.arguments[name], interp) or record.arguments[name].text}"
        for name, value, _ in followed
        if name in record.arguments and _as_code(record.arguments[name], interp) != value
    ]
    if not differ:
        return None
    return (
        f"is called again with {', '.join(differ)}: the converted function would build the "
        "model of its first call for both"
    )


def _differs(name: str, written: str, value: Value) -> str | None:
    """The test that ``name`` is not ``value``: by identity for singletons, functions and classes
    (written as their names), by ``__qualname__`` for a function defined in another, by equality
    for the rest."""
    if "<locals>" in written:
        return f'getattr({name}, "__qualname__", None) != "{written}"'
    if written in ("None", "True", "False") or isinstance(value, FunctionVal | ClassVal):
        return f"{name} is not {written}"
    return f"{name} != {written}"


def _free_names(code: str) -> set[str]:
    """The names a function's code reads that it does not bind itself (stdlib ``ast``: keyword
    argument names and attributes are not reads)."""
    tree = ast.parse(textwrap.dedent(code))
    loads: set[str] = set()
    own: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (loads if isinstance(node.ctx, ast.Load) else own).add(node.id)
        elif isinstance(node, ast.arg):
            own.add(node.arg)
    return loads - own


def _as_code(value: Value, interp: Interpreter) -> str | None:
    """A Python expression equal to the value: a literal, or a module-level function or class;
    a function defined in a module-level function as its ``__qualname__``
    (``ResNet50.<locals>.stack_fn``) where it reads none of that function's names."""
    if isinstance(value, FunctionVal | ClassVal):
        name = value.node.name.value
        if interp.module_frame.vars.get(name) is value:
            return name
        closure = getattr(value, "closure", None)
        if closure is None or closure.parent is not interp.module_frame:
            return None
        if _free_names(interp.code(value.node)) & closure.vars.keys() - {name}:
            return None  # its closure's values could differ from one call to the next
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
