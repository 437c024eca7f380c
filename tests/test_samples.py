"""Golden tests over every sample and style, then execution of every conversion (slow)."""

from __future__ import annotations

import pytest
from preservation import assert_preserved
from sample_cases import Case, expectation, pairs

from kcodegen.convert import convert
from kcodegen.frontend import parse_models
from kcodegen.verify import ModelSource, VerifyCase, VerifyReport, VerifySession
from kcodegen.verify.conversion import parse_converted

PAIRS = pairs()
IDS = [f"{case.name}-{style}" for case, style in PAIRS]


@pytest.mark.parametrize(("case", "style"), PAIRS, ids=IDS)
def test_matches_golden(case: Case, style: str) -> None:
    conversion = case.convert(style)
    assert_preserved(conversion)
    refused, text = expectation(conversion)
    if not refused and not conversion.changed:
        assert all(g.style == style for g in conversion.models), (
            "unchanged only when already in style"
        )
        assert not case.expected_path(style, False).exists()
        return
    golden = case.expected_path(style, refused)
    assert golden.exists(), f"no golden {golden}; run python tests/update_goldens.py and review it"
    assert text == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize(("case", "style"), PAIRS, ids=IDS)
def test_output_is_stable(case: Case, style: str) -> None:
    """The output parses, holds its models in the target style, and converting it again is a no-op."""
    conversion = case.convert(style)
    if conversion.refusals or not conversion.changed:
        return
    reparsed = {
        g.name: g for g in parse_models(conversion.output, case.input_shapes, case.binds).models
    }
    # A sub-model made inside a class (``self.tower = Tower()``) may become a model of its own.
    for graph in conversion.models:
        assert reparsed[graph.name].style == style
        again = convert(
            conversion.output,
            style,  # type: ignore[arg-type]
            model=graph.name,
            input_shapes=case.input_shapes,
            binds=case.binds,
        )
        assert again.output == conversion.output


CONVERTED = [(case, style) for case, style in PAIRS if case.convert(style).converted]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("case", "style"), CONVERTED, ids=[f"{case.name}-{style}" for case, style in CONVERTED]
)
def test_conversion_computes_the_same(
    case: Case, style: str, verify_session: VerifySession
) -> None:
    """Build original and converted models, copy weights by correspondence, compare outputs."""
    conversion = case.convert(style)
    parsed = parse_converted(  # as verify reads it
        conversion.original, conversion.output, conversion.models, case.input_shapes, case.binds
    )
    converted = {g.name: g for g in parsed.models}
    path = f"samples/{case.name}/model.py"
    cases = [
        VerifyCase(
            ModelSource(conversion.original, graph, path, case.binds),
            ModelSource(
                conversion.output, converted[graph.name], f"{path} (converted)", case.binds
            ),
            input_shapes=case.input_shapes,
        )
        for graph in conversion.models
        if graph.name in conversion.converted
    ]
    assert cases
    for verified, report in zip(cases, verify_session.verify(cases), strict=True):
        name = verified.original.graph.name
        assert isinstance(report, VerifyReport), f"{name}: {report.summary()}"
        assert report.equivalent, report.details()
        assert report.max_abs is not None and report.max_abs <= 1e-5
