"""ModelGraph: one Keras model as a dataflow graph. The only module that touches networkx."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property

import networkx as nx

from kcodegen.ir.nodes import (
    Arg,
    InputSpec,
    LayerSpec,
    Mapping_,
    Node,
    Op,
    Seq,
    Site,
    Structure,
    Style,
    Tensor,
    TensorRef,
)


def tensor_refs(arg: Arg) -> Iterator[str]:
    """Tensor ids used by a call argument, in source order."""
    if isinstance(arg, TensorRef):
        yield arg.tensor
    elif isinstance(arg, Seq):
        for item in arg.items:
            yield from tensor_refs(item)
    elif isinstance(arg, Mapping_):
        for _, item in arg.items:
            yield from tensor_refs(item)


@dataclass(frozen=True)
class ModelGraph:
    name: str  # the Python name that holds the model (variable, or the function that returns it)
    keras_name: str | None  # name= passed to the model
    style: Style
    inputs: tuple[InputSpec, ...]
    input_structure: Structure
    output_structure: Structure
    layers: tuple[LayerSpec, ...]
    nodes: tuple[Node, ...]
    ops: tuple[Op, ...]
    tensors: tuple[Tensor, ...]
    site: Site
    span: object = field(compare=False)  # Span of the statement that creates the model
    class_name: str | None = None  # the subclass, for subclassed models
    call_comments: tuple[str, ...] = ()  # comments above the model-creating statement
    name_text: str | None = None  # the model's name= argument as written

    # --- lookups -----------------------------------------------------------------------------
    @cached_property
    def layer_by_id(self) -> dict[str, LayerSpec]:
        return {layer.id: layer for layer in self.layers}

    @cached_property
    def tensor_by_id(self) -> dict[str, Tensor]:
        return {tensor.id: tensor for tensor in self.tensors}

    @cached_property
    def step_by_id(self) -> dict[str, Node | Op | InputSpec]:
        steps: dict[str, Node | Op | InputSpec] = {spec.id: spec for spec in self.inputs}
        steps.update({node.id: node for node in self.nodes})
        steps.update({op.id: op for op in self.ops})
        return steps

    def step_inputs(self, step: Node | Op | InputSpec) -> list[str]:
        """Tensor ids a step consumes, in argument order (call keywords included)."""
        if isinstance(step, InputSpec):
            return []
        if isinstance(step, Op):
            return list(step.inputs)
        used = [t for arg in step.args for t in tensor_refs(arg)]
        used += [t for _, arg in step.kwargs for t in tensor_refs(arg)]
        return used

    def nodes_of(self, layer_id: str) -> list[Node]:
        return [node for node in self.nodes if node.layer == layer_id]

    # --- graph views ----------------------------------------------------------------------------
    @cached_property
    def dataflow(self) -> nx.MultiDiGraph:
        """Steps (inputs, nodes, ops) as vertices; an edge per tensor passed from one to another."""
        graph = nx.MultiDiGraph()
        for order, step_id in enumerate(self.step_by_id):
            graph.add_node(step_id, order=order)
        for step in self.step_by_id.values():
            for tensor_id in self.step_inputs(step):
                producer = self.tensor_by_id[tensor_id].producer
                graph.add_edge(producer, step.id, tensor=tensor_id)
        return graph

    @cached_property
    def order(self) -> list[str]:
        """Steps in topological order, ties broken by source order: the order code is emitted in."""
        position = {step_id: i for i, step_id in enumerate(self.step_by_id)}
        return list(nx.lexicographical_topological_sort(self.dataflow, key=position.__getitem__))

    @cached_property
    def consumers(self) -> dict[str, list[str]]:
        """Tensor id -> ids of the steps that use it (once per use)."""
        uses: dict[str, list[str]] = {tensor.id: [] for tensor in self.tensors}
        for step in self.step_by_id.values():
            for tensor_id in self.step_inputs(step):
                uses[tensor_id].append(step.id)
        return uses

    def reachable_from_inputs(self) -> set[str]:
        seen: set[str] = set()
        for spec in self.inputs:
            seen.add(spec.id)
            seen |= nx.descendants(self.dataflow, spec.id)
        return seen

    def ancestors_of_outputs(self) -> set[str]:
        seen: set[str] = set()
        for tensor_id in self.output_structure.tensors:
            producer = self.tensor_by_id[tensor_id].producer
            seen.add(producer)
            seen |= nx.ancestors(self.dataflow, producer)
        return seen
