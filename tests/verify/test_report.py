"""Reports as text and as the stable JSON that ``kcg verify --format json`` prints."""

from __future__ import annotations

import json

from kcodegen.verify import (
    LayerDifference,
    LayerRef,
    OutputComparison,
    VerifyFailure,
    VerifyReport,
    result_json,
)


def output(name: str, max_abs: float, problem: str | None = None) -> OutputComparison:
    return OutputComparison(
        name, (2, 3), (2, 3), "float32", "float32", max_abs, max_abs, 0, problem
    )


DIFFERENCE = LayerDifference(
    LayerRef("Dense", "hidden", "a.py", 6, 6),
    LayerRef("Dense", "hidden", "b.py", 9, 15),
    0.5,
    "values differ, max abs diff 0.5 (atol 1e-05, rtol 1e-05)",
)
SAME = VerifyReport((output("0", 3.1e-7), output("1", 0.0)), (), 4, None, 1e-5, 1e-5)
DIFFERENT = VerifyReport(
    (output("output", 0.2, "values differ, max abs diff 0.2 (atol 1e-05, rtol 1e-05)"),),
    (),
    4,
    DIFFERENCE,
    1e-5,
    1e-5,
)


def test_text_is_one_line_per_output_then_the_first_differing_layer_then_the_verdict() -> None:
    assert SAME.equivalent and SAME.summary() == "verified: 2 outputs, max abs diff 3.1e-07"
    assert DIFFERENT.details().splitlines() == [
        "  output: shape (2, 3) float32, max abs diff 0.2, max rel diff 0.2: DIFFERS: values differ,"
        " max abs diff 0.2 (atol 1e-05, rtol 1e-05)",
        "first differing layer: Dense `hidden` (b.py:9, called at line 15), original Dense "
        "`hidden` (a.py:6): values differ, max abs diff 0.5 (atol 1e-05, rtol 1e-05)",
        "not equivalent: output 'output': values differ, max abs diff 0.2 (atol 1e-05, rtol 1e-05)",
    ]


def test_weight_problems_are_the_verdict() -> None:
    report = VerifyReport((), ("cannot match layer Dense (a.py:3): x", "y"), 0, None, 1e-5, 1e-5)
    assert not report.equivalent
    assert report.summary() == (
        "not equivalent: cannot match layer Dense (a.py:3): x (and 1 more weight problem)"
    )
    assert report.details().splitlines()[:2] == [
        "weights: cannot match layer Dense (a.py:3): x",
        "weights: y",
    ]


def test_json_keys_are_stable_for_reports_and_failures() -> None:
    """The schema of one model in ``kcg verify --format json`` (the top level adds original,
    converted, verdict, atol, rtol and models)."""
    keys = {"model", "verdict", "summary", "error", "outputs", "weights", "first_difference"}
    different = result_json("model", DIFFERENT)
    failed = result_json("model", VerifyFailure("build", "b.py:3:5: ValueError while ..."))
    assert set(different) == set(failed) == keys
    assert different["verdict"] == "different" and failed["verdict"] == "error"
    assert result_json("model", SAME)["verdict"] == "equivalent"
    assert set(different["outputs"][0]) == {
        "name",
        "shape",
        "converted_shape",
        "dtype",
        "converted_dtype",
        "max_abs",
        "max_rel",
        "nonfinite_mismatches",
        "problem",
    }
    assert different["weights"] == {"copied": 4, "problems": []}
    assert set(different["first_difference"]) == {"original", "converted", "max_abs", "problem"}
    assert different["first_difference"]["converted"] == {
        "cls": "Dense",
        "name": "hidden",
        "path": "b.py",
        "line": 9,
        "call_line": 15,
    }
    assert failed["error"] == {"kind": "build", "message": "b.py:3:5: ValueError while ..."}
    json.dumps([different, failed])  # JSON-ready as they are


def test_reports_survive_the_trip_from_the_worker() -> None:
    data = result_json("model", DIFFERENT)
    sent = {
        "outputs": data["outputs"],
        "weight_problems": [],
        "copied": 4,
        "first_difference": data["first_difference"],
    }
    assert VerifyReport.from_dict(json.loads(json.dumps(sent)), atol=1e-5, rtol=1e-5) == DIFFERENT
