"""The order Keras itself gives a Functional model's layers, so converted models keep weight order.

Keras sorts a Functional model's layers by depth (longest distance to an output, deepest first) and,
within one depth, by when a depth-first walk from the outputs first meets them. A subclass generated
from a Functional model creates its layers in this order, so ``get_weights()`` lists line up.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from kcodegen.ir import InputSpec, ModelGraph


def functional_layer_order(graph: ModelGraph) -> list[str]:
    traversal: dict[str, int] = {}  # step id -> first-seen index
    finished: list[str] = []  # steps, inputs first
    done: set[str] = set()

    stack: list[tuple[str, Iterator[str]]] = []  # a depth-first walk, without recursion

    def enter(tensor_id: str) -> None:
        step_id = graph.tensor_by_id[tensor_id].producer
        if step_id in done:
            return
        step = graph.step_by_id[step_id]
        traversal.setdefault(_operation(graph, step_id), len(traversal))
        used = () if isinstance(step, InputSpec) else graph.step_inputs(step)
        stack.append((step_id, iter(used)))

    for tensor_id in _flattened_outputs(graph):
        enter(tensor_id)
        while stack:
            step_id, inputs = stack[-1]
            used = next(inputs, None)
            if used is not None:
                enter(used)
                continue
            stack.pop()
            done.add(step_id)
            finished.append(step_id)
    depth: dict[str, int] = {}
    for step_id in reversed(finished):
        step = graph.step_by_id[step_id]
        node_depth = depth.setdefault(step_id, 0)
        if isinstance(step, InputSpec):
            continue
        for used in graph.step_inputs(step):
            parent = graph.tensor_by_id[used].producer
            depth[parent] = max(depth.get(parent, 0), node_depth + 1)
    layer_depth: dict[str, int] = {}
    for step_id, value in depth.items():
        operation = _operation(graph, step_id)
        if operation in graph.layer_by_id:
            layer_depth[operation] = max(layer_depth.get(operation, 0), value)
    return sorted(layer_depth, key=lambda layer: (-layer_depth[layer], traversal[layer]))


def _flattened_outputs(graph: ModelGraph) -> list[str]:
    """Keras flattens dict outputs in sorted key order."""
    structure = graph.output_structure
    if structure.kind != "dict":
        return list(structure.tensors)
    keyed = sorted(
        zip(structure.keys, structure.tensors, strict=False), key=lambda pair: _key(pair[0])
    )
    return [tensor for _, tensor in keyed]


def _key(text: str) -> str:
    try:
        return str(ast.literal_eval(text))
    except (ValueError, SyntaxError):
        return text


def _operation(graph: ModelGraph, step_id: str) -> str:
    """Nodes of one layer are one operation in Keras."""
    step = graph.step_by_id[step_id]
    return getattr(step, "layer", step_id)
