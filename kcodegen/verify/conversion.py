"""Verify a Conversion: pair each converted model with its original and run all of them at once."""

from __future__ import annotations

from collections.abc import Mapping

from kcodegen.frontend import ParsedModule, parse_models
from kcodegen.ir import ModelGraph
from kcodegen.verify.modules import added_classes
from kcodegen.verify.report import VerifyResult
from kcodegen.verify.runner import ModelSource, VerifyCase, VerifySession


def verify_conversion(
    original_text: str,
    converted_text: str,
    models: tuple[ModelGraph, ...],
    *,
    path: str,
    binds: Mapping[str, str],
    input_shapes: Mapping[str, tuple[int | None, ...]] | None = None,
    timeout: float = 120,
    weights: str | None = None,
    weights_out: str | None = None,
    assume: Mapping[str, object] | None = None,
    session: VerifySession | None = None,
) -> list[tuple[str, VerifyResult]]:
    """One result per model of `models` (parsed from `original_text`), from one worker process.

    With ``weights``, the original is verified with those trained weights, and they are written
    for the converted model to ``weights_out`` when it computes the same (a single model only).
    ``assume`` is the Keras settings the conversion took, under which both models are built.
    ``session`` is a session started early (its worker imports TensorFlow while the conversion
    runs); the caller closes it. Raises VerifyUnavailable without TensorFlow.
    """
    shapes = dict(input_shapes or {})
    parsed = parse_converted(original_text, converted_text, models, shapes, binds, assume)
    converted = {g.name: g for g in parsed.models}
    cases = []
    for graph in models:
        twin = converted.get(graph.name)
        if twin is None:
            raise ValueError(f"the converted module has no model `{graph.name}`")
        cases.append(
            VerifyCase(
                ModelSource(original_text, graph, path, binds),
                ModelSource(converted_text, twin, f"{path} (converted)", binds),
                input_shapes=shapes,
                weights=weights,
                weights_out=weights_out,
                settings=dict(assume or {}),
            )
        )
    if session is None:
        with VerifySession(timeout_per_case=timeout) as own:
            results = own.verify(cases)
    else:
        results = session.verify(cases)
    return [(graph.name, result) for graph, result in zip(models, results, strict=True)]


def parse_converted(
    original_text: str,
    converted_text: str,
    models: tuple[ModelGraph, ...],
    input_shapes: Mapping[str, tuple[int | None, ...]],
    binds: Mapping[str, str],
    assume: Mapping[str, object] | None = None,
) -> ParsedModule:
    """The converted module's models, read through the classes the conversion added. A
    subclass's ``call()`` is read before the ``model(keras.Input(...))`` that gives its inputs'
    shapes: the original's, by name, let a block's ``build()`` read them."""
    known = {
        spec.name: spec.shape for graph in models for spec in graph.inputs if spec.shape is not None
    }
    follow = added_classes(original_text, converted_text)
    return parse_models(
        converted_text, known | dict(input_shapes), dict(binds), follow, assume=assume
    )
