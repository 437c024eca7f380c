"""Structure facts of a model graph: what a reader (and the expressibility check) wants to know."""

from __future__ import annotations

from dataclasses import dataclass

from kcodegen.frontend.keras_api import MERGE_LAYERS
from kcodegen.ir import InputSpec, ModelGraph, Node, Op


@dataclass(frozen=True)
class Facts:
    shared_layers: tuple[str, ...]  # layer ids called more than once
    branch_points: tuple[str, ...]  # tensor ids used by more than one step (not: twice by one)
    merges: tuple[str, ...]  # node ids whose call takes more than one tensor
    nested_models: tuple[str, ...]  # layer ids that are whole models (applications, sub-models)
    ops: tuple[str, ...]  # op ids
    multi_input: bool
    multi_output: bool

    @property
    def linear_chain(self) -> bool:
        return not (
            self.shared_layers
            or self.branch_points
            or self.merges
            or self.ops
            or self.multi_input
            or self.multi_output
        )


def facts(graph: ModelGraph) -> Facts:
    consumers = graph.consumers
    return Facts(
        shared_layers=tuple(
            layer.id for layer in graph.layers if len(graph.nodes_of(layer.id)) > 1
        ),
        branch_points=tuple(t for t, users in consumers.items() if len(set(users)) > 1),
        merges=tuple(node.id for node in graph.nodes if is_merge(graph, node)),
        nested_models=tuple(
            layer.id
            for layer in graph.layers
            if layer.is_model or layer.cls.startswith("keras.applications.")
        ),
        ops=tuple(op.id for op in graph.ops),
        multi_input=len(graph.inputs) > 1 or graph.input_structure.kind != "single",
        multi_output=len(graph.output_structure.tensors) > 1
        or graph.output_structure.kind != "single",
    )


def is_merge(graph: ModelGraph, node: Node) -> bool:
    layer = graph.layer_by_id[node.layer]
    return layer.cls in MERGE_LAYERS or len(graph.step_inputs(node)) > 1


def step_line(step: Node | Op | InputSpec) -> int | None:
    """Where a user sees a step: for a layer called inside a helper, the line that called the helper."""
    if isinstance(step, Node) and step.via is not None:
        return step.via
    return step.span.line if step.span else None
