"""Which Keras API can express a model, and every reason why not, each with its line."""

from __future__ import annotations

from dataclasses import dataclass

from kcodegen.analysis.facts import facts, is_merge, step_line
from kcodegen.analysis.input_chain import chain_from_input
from kcodegen.frontend.keras_api import BUILT_BEFORE_CALL
from kcodegen.ir import InputSpec, ModelGraph, Node, Op, Style


@dataclass(frozen=True)
class Reason:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


def reasons_against(graph: ModelGraph, style: Style) -> tuple[Reason, ...]:
    """Empty when ``style`` can express the model; a model always fits the style it is written in."""
    if style == graph.style:
        return ()
    if style == "sequential":
        return _against_sequential(graph)
    if style == "functional":
        return _against_functional(graph)
    return _against_subclassing(graph)


def _against_subclassing(graph: ModelGraph) -> tuple[Reason, ...]:
    """A subclass creates its layers in ``__init__``, where there are no tensors: an argument
    read from one must have a value kcg knows.

    Keras' ``Normalization`` makes its mean and variance tensors when it is built. A subclass is
    first called on ``keras.Input`` (symbolically, to create its weights); a layer built in that
    call keeps tensors of the trace and the model then fails on data (Keras 3 on TensorFlow, with
    or without ``mean=``/``variance=``). The model's own ``build()`` runs first and can build it,
    when only plain layer calls lead to it from the input (EfficientNet's stem): see
    ``input_chain``."""
    found = _tensor_arguments(graph, "a subclass creates its layers in `__init__`")
    for node in graph.nodes:
        layer = graph.layer_by_id[node.layer]
        if layer.cls in BUILT_BEFORE_CALL and chain_from_input(graph, node) is None:
            found.append(
                Reason(
                    layer.span.line,
                    "`Normalization` makes its mean and variance when it is built; a subclass "
                    "builds it in its first call, on `keras.Input`, and Keras keeps those tensors "
                    "from that trace, so the converted model would fail on data. The model's "
                    "`build()` could build it first only if plain layer calls led to it from the "
                    "model's one input, in the model's own code (not a helper's or a loop's)",
                )
            )
    return tuple(dict.fromkeys(found))  # a helper's layer, once for all its calls


def _tensor_arguments(graph: ModelGraph, where: str) -> list[Reason]:
    """Layers with an argument read from a tensor whose value kcg does not know: ``where``
    the style creates them, there are no tensors."""
    found = []
    for layer in graph.layers:
        if layer.reads_tensor is not None:
            text, why = layer.reads_tensor
            message = (
                f"{text}, an argument of `{layer.cls.rsplit('.', 1)[-1]}`, reads a tensor and "
                f"kcg does not know its value ({why}); {where}, where there are no tensors"
            )
            found.append(Reason(layer.span.line, message))
    return found


def _label(graph: ModelGraph, node: Node) -> str:
    layer = graph.layer_by_id[node.layer]
    short = layer.cls.rsplit(".", 1)[-1]
    return (
        f"{layer.var_name or layer.name or short} ({short})"
        if (layer.var_name or layer.name)
        else short
    )


def _against_sequential(graph: ModelGraph) -> tuple[Reason, ...]:
    found = _tensor_arguments(graph, "a Sequential is given its layers")
    info = facts(graph)
    line = graph.span.line  # type: ignore[attr-defined]
    if info.multi_input:
        found.append(
            Reason(line, f"the model has {len(graph.inputs)} inputs; Sequential takes exactly one")
        )
    if info.multi_output:
        count = len(graph.output_structure.tensors)
        found.append(Reason(line, f"the model has {count} outputs; Sequential returns exactly one"))
    for layer_id in info.shared_layers:
        nodes = graph.nodes_of(layer_id)
        lines = ", ".join(str(_line(n)) for n in nodes)
        found.append(
            Reason(
                _line(nodes[1]),
                f"{_label(graph, nodes[0])} is shared (called at lines {lines}); "
                "Sequential calls each layer once",
            )
        )
    for node in graph.nodes:
        if is_merge(graph, node):
            count = len(graph.step_inputs(node))
            found.append(
                Reason(
                    _line(node),
                    f"{_label(graph, node)} merges {count} tensors; Sequential is a single chain",
                )
            )
        elif node.kwargs:
            keys = ", ".join(k for k, _ in node.kwargs)
            found.append(
                Reason(
                    _line(node),
                    f"{_label(graph, node)} is called with {keys}=; Sequential passes only the previous output",
                )
            )
    for op in graph.ops:
        found.append(
            Reason(
                op.span.line,
                f"`{_op_text(graph, op)}` is an operation on tensors, not a layer; Sequential holds only layers",
            )
        )
    for tensor_id in info.branch_points:
        users = set(graph.consumers[tensor_id])
        producer = graph.step_by_id[graph.tensor_by_id[tensor_id].producer]
        name = graph.tensor_by_id[tensor_id].name_hint or (
            producer.name if isinstance(producer, InputSpec) else "a tensor"
        )
        user_lines = sorted({_line(graph.step_by_id[u]) for u in users})
        where = (
            f"lines {', '.join(map(str, user_lines))}"
            if len(user_lines) > 1
            else f"line {user_lines[0]}"
        )
        found.append(
            Reason(
                user_lines[-1],
                f"`{name}` (from line {_line(producer)}) feeds {len(users)} steps "
                f"({where}); Sequential is a single chain",
            )
        )
    return tuple(sorted(set(found), key=lambda r: (r.line, r.message)))


def _against_functional(graph: ModelGraph) -> tuple[Reason, ...]:
    found: list[Reason] = []
    for spec in graph.inputs:
        if spec.shape is None and spec.shape_text is None:
            found.append(
                Reason(
                    graph.span.line,  # type: ignore[attr-defined]  # where build() would go
                    f"the shape of input `{spec.name}` is unknown; call model.build((None, ...)) "
                    f"in the file or pass --input-shape {spec.name}=D1,D2,...",
                )
            )
    return tuple(found)


def _line(step: Node | Op | InputSpec) -> int:
    return step_line(step) or 0


def _op_text(graph: ModelGraph, op: Op) -> str:
    """The operation as written; else rebuilt, an unnamed operand made by another op inline."""
    if op.text:
        return op.text

    def operand(tensor_id: str) -> str:
        tensor = graph.tensor_by_id[tensor_id]
        producer = graph.step_by_id[tensor.producer]
        if tensor.name_hint:
            return tensor.name_hint
        if isinstance(producer, Op):
            return f"({_op_text(graph, producer)})"
        if isinstance(producer, Node):  # an unnamed layer output: the call that makes it
            layer = graph.layer_by_id[producer.layer]
            callee = layer.var_name or layer.name or layer.cls.rsplit(".", 1)[-1]
            return f"{callee}(...)"
        return "x"

    return op.render([operand(t) for t in op.inputs])
