"""What the rules that read the IR share: a finding at an IR span, and the output layers."""

from __future__ import annotations

from kcodegen.ir import LayerSpec, ModelGraph, Node, Span
from kcodegen.lint.rule import Finding, Rule


def at_span(rule: Rule, span: Span, message: str | None = None) -> Finding:
    return Finding(
        rule.code, message or rule.message, span.line, span.col, span.end_line, span.end_col
    )


def model_span(graph: ModelGraph) -> Span:
    """The statement that creates the model (the IR keeps it untyped)."""
    span = graph.span
    assert isinstance(span, Span)
    return span


def output_layers(graph: ModelGraph) -> list[LayerSpec]:
    """The layers whose calls produce the model's outputs (ops between are not looked through)."""
    layers = []
    for tensor_id in graph.output_structure.tensors:
        producer = graph.step_by_id.get(graph.tensor_by_id[tensor_id].producer)
        if isinstance(producer, Node):
            layers.append(graph.layer_by_id[producer.layer])
    return layers
