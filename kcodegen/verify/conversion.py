"""Verify a Conversion: pair each converted model with its original and run all of them at once."""

from __future__ import annotations

from collections.abc import Mapping

from kcodegen.frontend import ParsedModule, parse_models
from kcodegen.ir import ModelGraph
from kcodegen.verify.modules import added_classes
from kcodegen.verify.report import VerifyFailure, VerifyResult
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
    unread: dict[str, VerifyFailure] = {}
    for graph in models:
        twin = converted.get(graph.name)
        if twin is None:
            unread[graph.name] = _not_read_back(graph.name, parsed, path)
            continue
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
    if not cases:
        results = []
    elif session is None:
        with VerifySession(timeout_per_case=timeout) as own:
            results = own.verify(cases)
    else:
        results = session.verify(cases)
    verified = iter(results)
    return [(graph.name, unread.get(graph.name) or next(verified)) for graph in models]


def _not_read_back(name: str, parsed: ParsedModule, path: str) -> VerifyFailure:
    """No verdict for a converted model kcg cannot read back: why, where it says."""
    where = f"{path} (converted)"
    problem = parsed.problems[0] if parsed.problems else None
    if problem is not None:
        where += f":{problem.line}"
    reason = f": {problem.message}" if problem is not None else ""
    return VerifyFailure("correspondence", f"{where}: kcg cannot read `{name}` back{reason}")


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
