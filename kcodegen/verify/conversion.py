"""Verify a Conversion: pair each converted model with its original and run both (see runner)."""

from __future__ import annotations

import ast
from collections.abc import Mapping

from kcodegen.frontend import parse_models
from kcodegen.ir import InputSpec, ModelGraph
from kcodegen.verify.report import VerifyReport
from kcodegen.verify.runner import InputSignature, Source, verify_sources
from kcodegen.verify.slice import model_slice

_INTEGER_INPUT_LAYERS = ("keras.layers.Embedding",)


def target_expression(graph: ModelGraph) -> str:
    """The expression that yields the model at module level: its variable, or its builder's call."""
    if graph.site.function:
        return f"{graph.site.function}()"
    return graph.site.binding or graph.name


def signature(original: ModelGraph, converted: ModelGraph) -> tuple[list[InputSignature], str]:
    """Input shapes and dtypes from the IR; a shape unknown on one side is taken from the other."""
    other = {spec.name: spec for spec in converted.inputs}
    structure = original.input_structure
    specs: list[InputSignature] = []
    for index, spec in enumerate(original.inputs):
        shape = spec.shape
        if shape is None:
            twin = other.get(spec.name) or (
                converted.inputs[index] if index < len(converted.inputs) else None
            )
            shape = twin.shape if twin is not None else None
        if shape is None:
            raise ValueError(
                f"the shape of input `{spec.name}` is unknown; pass --input-shape {spec.name}=..."
            )
        key = ast.literal_eval(structure.keys[index]) if structure.kind == "dict" else None
        dtype, maxval = _dtype(original, spec)
        specs.append(InputSignature(key, shape, dtype, maxval))
    return specs, "list" if structure.kind == "tuple" else structure.kind


def _dtype(graph: ModelGraph, spec: InputSpec) -> tuple[str, int | None]:
    for node in graph.nodes:
        layer = graph.layer_by_id[node.layer]
        if layer.cls in _INTEGER_INPUT_LAYERS and spec.tensor in graph.step_inputs(node):
            dim = layer.args[0] if layer.args else layer.kwarg("input_dim")
            try:
                return "int32", int(ast.literal_eval(dim)) if dim else None
            except (ValueError, SyntaxError):
                return "int32", None
    return spec.dtype or "float32", None


def verify_conversion(
    original_text: str,
    converted_text: str,
    models: tuple[ModelGraph, ...],
    *,
    path: str,
    binds: Mapping[str, str],
    input_shapes: dict[str, tuple[int | None, ...]] | None = None,
    timeout: float = 120,
) -> list[tuple[str, VerifyReport]]:
    converted_models = parse_models(converted_text, input_shapes, dict(binds)).models
    by_name = {graph.name: graph for graph in converted_models}
    reports = []
    for graph in models:
        twin = by_name.get(graph.name)
        if twin is None:
            raise ValueError(f"the converted module has no model `{graph.name}`")
        model_slice(
            original_text, target_expression(graph), binds, path
        )  # data needs are named first
        specs, structure = signature(graph, twin)
        report = verify_sources(
            Source(original_text, target_expression(graph), path, binds),
            Source(converted_text, target_expression(twin), f"{path} (converted)", binds),
            specs,
            structure,
            timeout=timeout,
        )
        reports.append((graph.name, report))
    return reports
