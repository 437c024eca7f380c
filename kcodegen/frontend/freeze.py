"""Turn the interpreter's ModelRecords into frozen ModelGraphs, one per model."""

from __future__ import annotations

import ast
from collections.abc import Sequence
from dataclasses import replace
from typing import Literal

import libcst as cst

from kcodegen.frontend.compound import (
    joining_statements,
    setup_statements,
    why_not_replaceable,
)
from kcodegen.frontend.cst_search import find_any_order
from kcodegen.frontend.errors import Unsupported
from kcodegen.frontend.followed import followed_arguments
from kcodegen.frontend.interpreter import Interpreter
from kcodegen.frontend.records import ModelRecord
from kcodegen.frontend.syntax import quoted, string_literal
from kcodegen.frontend.values import (
    DictVal,
    FunctionVal,
    InputLayerVal,
    LayerVal,
    SequenceVal,
    TensorVal,
    Value,
    const_shape,
)
from kcodegen.ir import (
    InputSpec,
    Invocation,
    LayerSpec,
    Loop,
    ModelGraph,
    Node,
    Op,
    Site,
    Span,
    Structure,
    TensorRef,
    tensor_refs,
)


def freeze(record: ModelRecord, interp: Interpreter) -> ModelGraph:
    if record.style == "sequential":
        _materialize_sequential(record, interp)
    builder = interp.builder
    inputs = (
        _structure(record.inputs, record)
        if record.style != "subclassing"
        else _subclass_inputs(record)
    )
    outputs = _structure(record.outputs, record)
    model_inputs = set(inputs.tensors)
    steps = _ancestors(outputs.tensors, model_inputs, interp, record)
    input_specs = [spec for spec in builder.inputs.values() if spec.tensor in model_inputs]
    input_specs.sort(key=lambda spec: inputs.tensors.index(spec.tensor))
    if record.style == "subclassing":
        input_specs = [_with_known_shape(spec, record, interp) for spec in input_specs]
    input_specs = [_named(spec, builder.tensors[spec.tensor].name_hint) for spec in input_specs]
    input_specs = [_given_shape(spec, interp.input_shapes) for spec in input_specs]
    nodes = [_in_block(node, record, interp) for node in builder.nodes.values() if node.id in steps]
    ops = [op for op in builder.ops.values() if op.id in steps]
    layer_ids = {node.layer for node in nodes}
    layers = [layer for layer in builder.layers.values() if layer.id in layer_ids]
    parts = _built_in_place(record, layers, interp)
    layers = [
        _built_from_text(layer, parts[layer.id]) if layer.id in parts else layer for layer in layers
    ]
    step_ids = steps | {spec.id for spec in input_specs}
    tensors = [t for t in builder.tensors.values() if t.producer in step_ids]
    owned = step_ids | layer_ids | {t.id for t in tensors} | {record.id}
    for part in parts.values():
        owned |= {
            part.id,
            *(e.value.layer_id for e in part.entries if isinstance(e.value, LayerVal)),
        }
    made_at = [layer.span for layer in layers] + [spec.span for spec in input_specs if spec.span]
    site = _site(record, interp, owned, made_at, {part.statement for part in parts.values()})
    calls, loops = _structure_of_calls(interp, [*nodes, *ops, *layers])
    return ModelGraph(
        name=_model_name(record, site, interp),
        keras_name=record.keras_name,
        style=record.style,
        inputs=tuple(input_specs),
        input_structure=inputs,
        output_structure=outputs,
        layers=tuple(layers),
        nodes=tuple(nodes),
        ops=tuple(ops),
        tensors=tuple(tensors),
        site=site,
        span=record.span,
        class_name=record.class_val.node.name.value if record.class_val else None,
        call_comments=record.comments,
        name_text=record.name_text,
        invocations=calls,
        loops=loops,
    )


def _structure_of_calls(
    interp: Interpreter, made: Sequence[Node | Op | LayerSpec]
) -> tuple[tuple[Invocation, ...], tuple[Loop, ...]]:
    """The helper calls and loops that made any of the model's steps or layers, and those
    around them."""
    builder = interp.builder
    calls, loops = builder.invocations, builder.loops
    wanted: set[str] = set()
    for item in made:
        within = item.within
        while within is not None and within not in wanted:
            wanted.add(within)
            head = within.split(":", 1)[0]
            if within in calls:
                within = calls[within].parent
            elif head in calls:  # a Condition of that call
                within = head
            else:  # a loop pass
                wanted.add(head)
                within = loops[head].parent
    names = builder.result_names
    found_calls = tuple(
        replace(call, result_name=names.get((call.returned[0], call.parent)))
        if len(call.returned) == 1
        else call
        for key, call in calls.items()
        if key in wanted
    )
    return found_calls, tuple(loop for key, loop in loops.items() if key in wanted)


def _in_block(node: Node, record: ModelRecord, interp: Interpreter) -> Node:
    """Tie a call made inside a helper to the line of the model's block that called the helper.

    Comments written inside a helper describe the helper, not this model: they are kept only for a
    module-level helper's calls, for the block class it may become (``ModelGraph.own_comments``).
    """
    origin = interp.builder.origins[node.id]
    innermost = origin[-1][0]
    if innermost == record.block or innermost.endswith(".call"):
        return node
    calling = next((index for block, index in origin if block == record.block), None)
    via = None
    if calling is not None and record.block != "<class>":
        via = interp.line(_block_body(interp.module, record.block)[calling])
    if node.within is not None and node.within.split(":", 1)[0] in interp.builder.invocations:
        return replace(node, via=via)
    return replace(node, comments=(), trailing_comment=None, via=via)


def _structure(value: Value | None, record: ModelRecord) -> Structure:
    line = record.span.line
    if isinstance(value, TensorVal):
        return Structure("single", (value.tensor_id,))
    if (
        isinstance(value, SequenceVal)
        and value.items
        and all(isinstance(v, TensorVal) for v in value.items)
    ):
        kind: Literal["list", "tuple"] = "list" if value.kind == "list" else "tuple"
        return Structure(kind, tuple(v.tensor_id for v in value.items if isinstance(v, TensorVal)))
    if (
        isinstance(value, DictVal)
        and value.items
        and all(isinstance(v, TensorVal) for _, _, v in value.items)
    ):
        return Structure(
            "dict",
            tuple(v.tensor_id for _, _, v in value.items if isinstance(v, TensorVal)),
            tuple(key_text for _, key_text, _ in value.items),
        )
    raise Unsupported(
        "the model's inputs or outputs are not tensors, lists or dicts of tensors", line
    )


def _subclass_inputs(record: ModelRecord) -> Structure:
    if record.input_kind == "dict":
        return Structure("dict", tuple(record.input_tensors), tuple(record.input_keys))
    if record.input_kind == "list":
        return Structure("list", tuple(record.input_tensors))
    return Structure("single", tuple(record.input_tensors))


def _ancestors(
    outputs: Sequence[str], inputs: set[str], interp: Interpreter, record: ModelRecord
) -> set[str]:
    """Steps between the model's inputs and outputs; a path that starts elsewhere is a disconnected graph."""
    builder = interp.builder
    seen: set[str] = set()
    pending = list(outputs)
    while pending:
        tensor_id = pending.pop()
        producer = builder.producer(tensor_id)
        if tensor_id in inputs or producer in seen:
            continue
        if producer in builder.inputs:
            spec = builder.inputs[producer]
            where = f" (line {spec.span.line})" if spec.span else ""
            raise Unsupported(
                f"graph disconnected: the input `{spec.name}`{where} is used but is not among the model's inputs",
                record.span.line,
            )
        seen.add(producer)
        step = builder.nodes.get(producer) or builder.ops[producer]
        if isinstance(step, Node):
            used = [t for a in step.args for t in tensor_refs(a)] + [
                t for _, a in step.kwargs for t in tensor_refs(a)
            ]
        else:
            used = list(step.inputs)
        pending.extend(used)
    return seen


def _materialize_sequential(record: ModelRecord, interp: Interpreter) -> None:
    """A Sequential's layers become a chain of calls on one input."""
    builder = interp.builder
    entries = list(record.entries)
    first = entries[0].value if entries else None
    local: dict[str, str | None] = {}
    if isinstance(first, InputLayerVal):
        shape, shape_text, kwargs = first.shape, first.shape_text, tuple(first.kwargs)
        local = {"scope": first.scope, "local_shape_text": first.local_shape_text}
        entries = entries[1:]
    else:
        shape, shape_text, kwargs = _first_layer_shape(entries, interp)
    if shape is None and record.built_shapes and 0 in record.built_shapes[0]:
        shape = record.built_shapes[0][0][1:]
        shape_text = repr(shape)
    if not entries:
        raise Unsupported("the Sequential has no layers", record.span.line)
    fields = {
        "name": "inputs",
        "shape": shape,
        "shape_text": shape_text,
        "dtype": string_literal(dict(kwargs).get("dtype")),
        "keras_name": string_literal(dict(kwargs).get("name")),
        "kwargs": tuple((k, v) for k, v in kwargs if k not in ("shape", "input_shape")),
        "span": record.span,
        **local,
    }
    tensor = builder.add_input(fields, entries[0].origin, "inputs")
    record.inputs = TensorVal(tensor, "inputs")
    for entry in entries:
        if not isinstance(entry.value, LayerVal):
            raise Unsupported(
                "an input inside a Sequential must be its first entry", entry.value.line
            )
        layer = builder.layers[entry.value.layer_id]
        tensor = builder.add_node(
            layer.id,
            (TensorRef(tensor),),
            (),
            layer.span,
            entry.origin,
            entry.comments,
            entry.trailing,
            within=layer.within,  # the loop pass that made the layer added it, as a rule
        )
    record.outputs = TensorVal(tensor, "outputs")


def _first_layer_shape(entries, interp: Interpreter):
    if not entries or not isinstance(entries[0].value, LayerVal):
        return None, None, ()
    layer = interp.builder.layers[entries[0].value.layer_id]
    text = layer.kwarg("input_shape")
    if text is None and layer.kwarg("input_dim") is not None:
        text = f"({layer.kwarg('input_dim')},)"
    if text is None:
        return None, None, ()
    return const_shape(interp.eval_text_in_module(text)), text, ()


def _named(spec: InputSpec, hint: str | None) -> InputSpec:
    """An input is called by the author's variable, else by its Keras name."""
    return replace(spec, name=hint or spec.keras_name or spec.name)


def _given_shape(spec: InputSpec, shapes: dict[str, tuple[int | None, ...]]) -> InputSpec:
    """``--input-shape user=12`` names an input the way the refusal did: by its final name."""
    if spec.shape is None and spec.name in shapes:
        shape = shapes[spec.name]
        return replace(spec, shape=shape, shape_text=repr(shape))
    return spec


def _with_known_shape(spec: InputSpec, record: ModelRecord, interp: Interpreter) -> InputSpec:
    """A subclass's input shape comes from model.build(...), model(zeros(...)) or --input-shape."""

    if spec.shape is not None:
        return spec
    position = record.input_tensors.index(spec.tensor)
    key = ast.literal_eval(record.input_keys[position]) if record.input_kind == "dict" else position
    for observed in record.built_shapes:
        if len(observed) == len(record.input_tensors) and key in observed:
            shape = observed[key][1:]
            dtype = spec.dtype or record.built_dtypes.get(key)
            keras_name = spec.keras_name or record.built_names.get(key)
            kwargs = spec.kwargs
            if dtype is not None and "dtype" not in dict(kwargs):
                kwargs += (("dtype", f'"{dtype}"'),)
            if keras_name is not None and "name" not in dict(kwargs):
                kwargs += (("name", quoted(keras_name)),)
            return replace(
                spec,
                shape=shape,
                shape_text=repr(shape),
                dtype=dtype,
                keras_name=keras_name,
                kwargs=kwargs,
            )
    for node in interp.builder.nodes.values():
        if any(isinstance(a, TensorRef) and a.tensor == spec.tensor for a in node.args):
            layer = interp.builder.layers[node.layer]
            text = layer.kwarg("input_shape")
            if text is not None:
                return replace(
                    spec, shape=const_shape(interp.eval_text_in_module(text)), shape_text=text
                )
    return spec


def _built_in_place(
    record: ModelRecord, layers: Sequence[LayerSpec], interp: Interpreter
) -> dict[str, ModelRecord]:
    """The nested Sequentials (by their layer's id) that the model's own code builds and uses
    where no name holds one model: reached through a list (``downsample_layers[i](x)``) or made
    in a loop. A class cannot take them as parameters; it builds them from their text."""
    if record.block == "<class>" or not any(layer.submodel for layer in layers):
        return {}
    records = {other.id: other for other in interp.records}
    body = _block_body(interp.module, record.block)
    found: dict[str, ModelRecord] = {}
    for layer in layers:
        part = records.get(layer.submodel or "")
        if (
            part is None
            or part.style != "sequential"
            or part.text is None
            or part.extra_statements  # layers added later: its text is not the whole model
            or part.block != record.block
        ):
            continue
        reached_by_name = layer.callee.isidentifier()
        if not reached_by_name or not isinstance(body[part.statement], cst.SimpleStatementLine):
            found[layer.id] = part
    return found


def _returned_next(site: Site, interp: Interpreter) -> bool:
    """The statement after the site's is ``return <binding>``."""
    body = _block_body(interp.module, site.function)
    after = site.statements[-1] + 1 if site.statements else len(body)
    following = body[after] if after < len(body) else None
    if not isinstance(following, cst.SimpleStatementLine):
        return False
    (first, *rest) = following.body
    return (
        not rest
        and isinstance(first, cst.Return)
        and isinstance(first.value, cst.Name)
        and first.value.value == site.binding
    )


def _built_from_text(layer: LayerSpec, part: ModelRecord) -> LayerSpec:
    assert part.text is not None  # as _built_in_place chose it
    return replace(layer, callee=part.text, in_place=True, reads=part.reads)


def _site(
    record: ModelRecord,
    interp: Interpreter,
    owned: set[str],
    made_at: list[Span],
    parts: set[int],
) -> Site:
    """``parts``: the statements that build the nested models the model builds in place."""
    statements = {record.statement} | record.extra_statements | parts
    for (block, index), ids in interp.builder.touched.items():
        if block == record.block and ids & owned:
            statements.add(index)
    body = _block_body(interp.module, record.block) if record.block != "<class>" else ()
    for block, index, call in sorted(record.builds, key=lambda build: build[1]):
        if block == record.block and index == max(statements) + 1 and _only(body[index], call):
            statements.add(index)  # ``model.build(...)`` right after the model: the target's own
    statements |= setup_statements(body, statements)
    class_statement = record.class_val.statement if record.class_val else None
    if record.block == "<class>":
        name = record.class_val.node.name.value if record.class_val else "the class"
        return Site("", (), None, class_statement, f"{name} is never instantiated in this file")
    statements |= joining_statements(body, statements)
    statements |= setup_statements(body, statements)  # ``blocks = []`` for a list just joined
    binding, problem = _binding(body[record.statement])
    problem_line = record.span.line if problem else None
    for index in sorted(statements):
        if not isinstance(body[index], cst.SimpleStatementLine):
            why = why_not_replaceable(body[index], body, statements)
            if why is not None and problem is None:
                problem = f"the model is built in a compound statement: {why}"
                problem_line = interp.line(body[index])
    parameters = _layer_parameters(interp, record.block, made_at)
    followed: tuple[tuple[str, str, str], ...] = ()
    derived: tuple[tuple[str, tuple[tuple[str, str, str], ...]], ...] = ()
    try:
        passable = {*parameters, record.name_text or ""}
        followed, derived = followed_arguments(interp, record, body, sorted(statements), passable)
    except Unsupported as unwritable:
        if problem is None:
            problem, problem_line = unwritable.message, unwritable.line
    return Site(
        record.block,
        tuple(sorted(statements)),
        binding,
        class_statement,
        problem,
        parameters,
        followed,
        problem_line,
        derived,
    )


def _layer_parameters(interp: Interpreter, block: str, made_at: list[Span]) -> tuple[str, ...]:
    """The parameters of the function ``block`` that are read only in the arguments of the
    model's layers and inputs (``Dense(num_classes)``), never in a loop, a test or a helper's
    call: a generated class can take those and build what any call of the function builds."""
    function = interp.module_frame.vars.get(block)
    if not isinstance(function, FunctionVal):
        return ()
    params = function.node.params
    names = [p.name.value for p in [*params.posonly_params, *params.params, *params.kwonly_params]]
    reads: dict[str, list[Span]] = {}
    for name in find_any_order(function.node.body, cst.Name):
        if name.value in names:
            reads.setdefault(name.value, []).append(interp.span(name))
    return tuple(
        name
        for name in names
        if name in reads and all(any(s.contains(r) for s in made_at) for r in reads[name])
    )


def _only(statement: cst.CSTNode, call: cst.Call) -> bool:
    """The statement is ``call`` alone, its value unused."""
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and len(statement.body) == 1
        and isinstance(statement.body[0], cst.Expr)
        and statement.body[0].value is call
    )


def _block_body(module: cst.Module, block: str) -> Sequence[cst.CSTNode]:
    if not block:
        return module.body
    for statement in module.body:
        if isinstance(statement, cst.FunctionDef) and statement.name.value == block:
            return statement.body.body
    raise LookupError(block)


def _binding(statement: cst.CSTNode) -> tuple[str | None, str | None]:
    if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1:
        small = statement.body[0]
        if isinstance(small, cst.Return):
            return None, None
        if (
            isinstance(small, cst.Assign)
            and len(small.targets) == 1
            and isinstance(small.targets[0].target, cst.Name)
            and isinstance(small.value, cst.Call)
        ):
            return small.targets[0].target.value, None
    return None, "the model is not simply assigned to a name or returned"


def _model_name(record: ModelRecord, site: Site, interp: Interpreter) -> str:
    """The variable that holds the model; a builder's name where it returns the model, also
    through a variable it returns right after building it (``model = Net(); model(...);
    return model``, as a builder converted to Subclassing does), so a conversion keeps the name."""
    if site.binding and not (record.block and _returned_next(site, interp)):
        return site.binding
    if record.block and record.block != "<class>":
        return record.block
    if record.class_val is not None:
        return record.class_val.node.name.value
    return record.keras_name or "model"
