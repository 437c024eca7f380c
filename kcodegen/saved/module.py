"""A saved model written as a Functional module: imports, block helpers, nested models, the
model's statements, and the model bound to a module-level variable."""

from __future__ import annotations

from typing import Any

from kcodegen.saved.arguments import value_text
from kcodegen.saved.block_code import Helper, Units, loop_statement, write_helper
from kcodegen.saved.blocks import Kind, find_blocks
from kcodegen.saved.cells import find_cells
from kcodegen.saved.config_graph import SavedLayer, SavedModel, Structure, TensorKey
from kcodegen.saved.context import Context
from kcodegen.saved.naming import Scope
from kcodegen.saved.statements import Names, Statement, bind
from kcodegen.saved.steps import call_statement, op_statement

_FLOAT = "float32"


def write_module(model: SavedModel, context: Context, variable: str = "model") -> str:
    """The module's text."""
    context.scope.claim(variable)
    body: list[str] = []
    for nested in model.nested():
        if nested.name in context.models:
            continue
        name = context.scope.fresh(nested.name)
        context.models[nested.name] = name
        body += [*model_lines(nested, context, name), ""]
    body += model_lines(model, context, variable)
    head = ["import keras", "from keras import layers"]
    if context.uses_ops:
        head.append("from keras import ops")
    head += sorted(context.imports)
    helpers = [line for text in context.helpers for line in (text, "", "")]
    return "\n".join([*head, "", "", *helpers, *body]) + "\n"


def model_lines(model: SavedModel, context: Context, variable: str) -> list[str]:
    if model.kind == "sequential":
        return _sequential(model, context, variable)
    return _functional(model, context, variable)


def _sequential(model: SavedModel, context: Context, variable: str) -> list[str]:
    items = []
    if model.batch_shape is not None:
        items.append(_input_call(model.batch_shape, model.input_dtype, None))
    for layer in model.sequence:
        items.append(context.models[layer.name] if layer.model else context.constructor(layer))
    listed = "".join(f"\n        {item}," for item in items)
    return [
        f"{variable} = keras.Sequential(\n    [{listed}\n    ],\n    name={value_text(model.name)},\n)"
    ]


def _functional(model: SavedModel, context: Context, variable: str) -> list[str]:
    scope = Scope(context.scope.taken)
    names: dict[Any, str] = {}
    lines: list[str] = []
    inputs = [c for c in model.calls if model.layers[c.layer].kind == "input"]
    for call in inputs:
        layer = model.layers[call.layer]
        wanted = "inputs" if len(inputs) == 1 else layer.name
        name = scope.fresh(wanted) if wanted != "inputs" else scope.claim("inputs")
        config = layer.config
        lines.append(
            f"{name} = {_input_call(config.get('batch_shape'), config.get('dtype'), layer)}"
        )
        names[TensorKey(call.layer, call.node, 0)] = name
    statements, shared = _statements(model, context, scope)
    lines += shared
    results = _flatten(model.outputs)
    lines += bind(statements, scope, names, results)
    lines.append(
        f"{variable} = keras.Model({_structure(model.inputs, names)}, "
        f"{_structure(model.outputs, names)}, name={value_text(model.name)})"
    )
    # Its variables are module-level: a helper written for a later model must not take them.
    context.scope.taken |= scope.taken
    return lines


def _statements(
    model: SavedModel, context: Context, scope: Scope
) -> tuple[list[Statement], list[str]]:
    """A statement per call, per block or per loop of blocks; a layer called more than once is
    made first, in a variable."""
    counts: dict[str, int] = {}
    for call in model.calls:
        counts[call.layer] = counts.get(call.layer, 0) + 1
    used = _used_outputs(model)
    shared: list[str] = []
    held: dict[str, str] = {}
    statements: list[Statement] = []
    plan = find_cells(model, find_blocks(model))
    unit_helpers = [write_helper(model, kind, context, context.scope) for kind in plan.units]
    units = Units(plan.units, unit_helpers, plan.member)
    helpers = [write_helper(model, kind, context, context.scope, units) for kind in plan.kinds]
    for helper in [*unit_helpers, *helpers]:
        context.helpers.append(helper.text)
        scope.claim(helper.function)
    runs = {(k, first): count for k, first, count in plan.runs}
    unit_runs = {(k, first): count for k, first, count in plan.unit_runs}
    skip_to = 0
    for index, call in enumerate(model.calls):
        if index < skip_to or model.layers[call.layer].kind == "input":
            continue
        if index in plan.ends:  # a cell, written where its last call is
            k, n = plan.ends[index]
            statements.append(_helper_call(model, plan.kinds[k], n, helpers[k]))
            continue
        if index in plan.covered:
            continue
        if index in plan.starts or index in plan.member:
            if index in plan.starts:
                (k, n), kinds, found, lengths = plan.starts[index], plan.kinds, helpers, runs
            else:
                k, n, position = plan.member[index]
                if position:
                    continue
                kinds, found, lengths = plan.units, unit_helpers, unit_runs
            kind, count = kinds[k], lengths.get((k, n), 1)
            if index in plan.starts or count > 1:  # a block or a loop: calls one after another
                skip_to = kind.instances[n + count - 1].calls[-1] + 1
            statements.append(_block_statement(model, found[k], kind, n, count, scope))
            continue
        layer = model.layers[call.layer]
        writes = used.get((call.layer, call.node), [TensorKey(call.layer, call.node, 0)])
        hint = layer.name
        if layer.kind == "op":
            context.uses_ops = True
            statements.append(op_statement(call, layer, writes, hint))
            continue
        if layer.model is not None:
            callee = context.models[layer.name]
        elif counts[call.layer] > 1:
            if call.layer not in held:
                held[call.layer] = scope.fresh(layer.name)
                shared.append(f"{held[call.layer]} = {context.constructor(layer)}")
            callee = held[call.layer]
        else:
            callee = context.constructor(layer)
        statements.append(call_statement(call, layer, callee, writes, hint))
    return statements, shared


def _block_statement(
    model: SavedModel, helper: Helper, kind: Kind, first: int, count: int, scope: Scope
) -> Statement:
    instance, last = kind.instances[first], kind.instances[first + count - 1]
    if count > 1:
        blocks = range(first, first + count)
        hint = model.calls[last.calls[-1]].layer
        return loop_statement(helper, blocks, list(instance.reads), list(last.writes), scope, hint)
    return _helper_call(model, kind, first, helper)


def _helper_call(model: SavedModel, kind: Kind, n: int, helper: Helper) -> Statement:
    """The call of a helper for its ``n``th block; what it makes is named after its last layer
    (the helper's name is taken)."""
    instance = kind.instances[n]

    def render(names: Names) -> str:
        return helper.call(n, [names(t) for t in instance.reads])

    hint = model.calls[instance.calls[-1]].layer
    return Statement(list(instance.reads), list(instance.writes), render, hint)


def _used_outputs(model: SavedModel) -> dict[tuple[str, int], list[TensorKey]]:
    """Each call's outputs up to the last one anything reads (a call with one bound once)."""
    last: dict[tuple[str, int], int] = {}
    reads = [t for c in model.calls for t in c.tensors()] + _flatten(model.outputs)
    for tensor in reads:
        key = (tensor.layer, tensor.node)
        last[key] = max(last.get(key, 0), tensor.index)
    return {
        key: [TensorKey(key[0], key[1], i) for i in range(top + 1)]
        for key, top in last.items()
        if top > 0
    }


def _input_call(batch_shape: Any, dtype: Any, layer: SavedLayer | None) -> str:
    shape = list(batch_shape or [None])
    parts = [f"shape={value_text(shape[1:])}"]
    if shape[0] is not None:
        parts.append(f"batch_size={shape[0]}")
    if dtype not in (None, _FLOAT) and not (isinstance(dtype, dict)):
        parts.append(f"dtype={value_text(dtype)}")
    if layer is not None:
        if layer.config.get("sparse"):
            parts.append("sparse=True")
        parts.append(f"name={value_text(layer.name)}")
    return f"keras.Input({', '.join(parts)})"


def _flatten(structure: Structure | None) -> list[TensorKey]:
    if isinstance(structure, TensorKey):
        return [structure]
    if isinstance(structure, dict):
        return list(structure.values())
    return list(structure or [])


def _structure(structure: Structure | None, names: dict[Any, str]) -> str:
    if isinstance(structure, TensorKey):
        return names[structure]
    if isinstance(structure, dict):
        return "{" + ", ".join(f"{value_text(k)}: {names[v]}" for k, v in structure.items()) + "}"
    return "[" + ", ".join(names[t] for t in structure or []) + "]"
