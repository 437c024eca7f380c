"""Each output format, rendered from a report built by hand (no rules, no files)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import click
import pytest

from kcodegen.commands.lint import FORMATS
from kcodegen.lint.formats import NAMES, Report, render, summary
from kcodegen.lint.formats import statistics as stats
from kcodegen.lint.formats.sarif import artifact_uri
from kcodegen.lint.rule import Edit, Finding, Fix, LintContext, Rule
from kcodegen.lint.runner import FileResult


class InputShape(Rule):
    """What it finds: `input_shape=` on a layer.

    Why it matters: Keras 3 ignores it
    with a warning.

    Example:
        Dense(2, input_shape=(4,))

    Use instead:
        Input(shape=(4,))
    """

    code = "KCG201"
    name = "input-shape-argument"
    message = "`input_shape=` on a layer"
    fixable = True

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        return iter(())


class Lambda(Rule):
    """What it finds: a Lambda layer."""

    code = "KCG105"
    name = "lambda-layer"
    message = "Lambda layer"

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        return iter(())


MODEL = """\
import keras
model = keras.Sequential([
\tkeras.layers.Dense(64, input_shape=(784,)),
    keras.layers.Lambda(lambda x: x * 2),
])
"""
ARGUMENT_START = MODEL.index("input_shape")
ARGUMENT_END = MODEL.index(", input_shape=(784,)") + len(", input_shape=(784,)")
REMOVE_ARGUMENT = Fix(
    "Remove `input_shape=`", (Edit(MODEL.index(", input_shape"), ARGUMENT_END, ""),)
)
SHAPE = Finding("KCG201", "`input_shape=` on a layer", 3, 24, 3, 42, REMOVE_ARGUMENT)
LAMBDA = Finding("KCG105", "Lambda layer", 4, 4, 4, 40)
OTHER = Finding("KCG201", "`input_shape=` on a layer", 2, 4, 2, 20)
RULES = {"KCG201": InputShape(), "KCG105": Lambda()}


def report(**changes: object) -> Report:
    results = (
        FileResult("a/model.py", (SHAPE, LAMBDA), MODEL),
        FileResult("b.py", (OTHER,), "import keras\nx = keras.layers.Dense(input_shape=3)\n"),
        FileResult("clean.py"),
    )
    return Report(**{"results": results, "rules": RULES, **changes})  # type: ignore[arg-type]


def plain(text: str) -> str:
    return click.unstyle(text)


def test_the_span_in_the_fixture_is_the_argument():
    line = MODEL.splitlines()[2]
    assert line[SHAPE.col : SHAPE.end_col] == "input_shape=(784,)"
    assert MODEL[ARGUMENT_START:ARGUMENT_END] == "input_shape=(784,)"


def test_full_shows_the_line_with_carets_under_the_span():
    out = plain(render("full", report()))

    assert out.splitlines()[:8] == [
        "a/model.py:3:25: KCG201 [*] `input_shape=` on a layer",
        "  3 | \tkeras.layers.Dense(64, input_shape=(784,)),",
        "    | \t                       ^^^^^^^^^^^^^^^^^^",
        "",
        "a/model.py:4:5: KCG105 Lambda layer",
        "  4 |     keras.layers.Lambda(lambda x: x * 2),",
        "    |     ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^",
        "",
    ]
    assert out.endswith("\nFound 3 errors (1 fixable with --fix).\n")


def test_full_marks_a_span_that_goes_on_to_the_end_of_its_first_line():
    finding = Finding("KCG105", "Lambda layer", 2, 8, 5, 1)
    out = plain(render("full", Report((FileResult("m.py", (finding,), MODEL),), RULES)))

    assert out.splitlines()[1:3] == [
        "  2 | model = keras.Sequential([",
        "    |         ^^^^^^^^^^^^^^^^^^",
    ]


def test_full_is_styled_for_terminals():
    styled = render("full", report())

    assert "\x1b[" in styled
    assert plain(styled) != styled


@pytest.mark.parametrize(
    ("changes", "line"),
    [
        ({}, "Found 3 errors (1 fixable with --fix)."),
        ({"results": ()}, "All checks passed!"),
        ({"fix_mode": True, "fixed": 4}, "Found 7 errors (4 fixed, 3 remaining)."),
        ({"fix_mode": True, "fixed": 1, "results": ()}, "Found 1 error (1 fixed, 0 remaining)."),
        ({"results": (FileResult("m.py", (LAMBDA,), MODEL),)}, "Found 1 error."),
    ],
)
def test_summary(changes, line):
    assert summary(report(**changes)) == line


def test_concise_is_one_line_per_finding_in_order():
    out = plain(render("concise", report()))

    assert out.splitlines() == [
        "a/model.py:3:25: KCG201 `input_shape=` on a layer",
        "a/model.py:4:5: KCG105 Lambda layer",
        "b.py:2:5: KCG201 `input_shape=` on a layer",
        "Found 3 errors (1 fixable with --fix).",
    ]


def test_json_lists_findings_with_1_based_columns_and_fix_edits():
    items = json.loads(render("json", report()))

    assert [(i["filename"], i["code"]) for i in items] == [
        ("a/model.py", "KCG201"),
        ("a/model.py", "KCG105"),
        ("b.py", "KCG201"),
    ]
    first = items[0]
    assert first["message"] == "`input_shape=` on a layer"
    assert first["name"] == "input-shape-argument"
    assert first["location"] == {"row": 3, "column": 25}
    assert first["end_location"] == {"row": 3, "column": 43}
    assert first["fix"] == {
        "message": "Remove `input_shape=`",
        "edits": [
            {
                "content": "",
                "location": {"row": 3, "column": 23},
                "end_location": {"row": 3, "column": 43},
            }
        ],
    }
    assert items[1]["fix"] is None
    assert set(first) >= {"code", "message", "filename", "location", "end_location", "fix", "url"}


def test_json_of_nothing_is_an_empty_list():
    assert json.loads(render("json", report(results=()))) == []


def test_github_annotations():
    lines = render("github", report()).splitlines()

    assert lines == [
        "::error title=kcg (KCG201),file=a/model.py,line=3,col=25,endLine=3,endColumn=43"
        "::KCG201 `input_shape=` on a layer",
        "::error title=kcg (KCG105),file=a/model.py,line=4,col=5,endLine=4,endColumn=41"
        "::KCG105 Lambda layer",
        "::error title=kcg (KCG201),file=b.py,line=2,col=5,endLine=2,endColumn=21"
        "::KCG201 `input_shape=` on a layer",
    ]


def test_github_escapes_what_workflow_commands_reserve():
    odd = Finding("KCG105", "50% of it\nnext", 1, 0, 1, 1)
    out = render("github", Report((FileResult("dir,name:x.py", (odd,), "x\n"),), RULES))

    assert out == (
        "::error title=kcg (KCG105),file=dir%2Cname%3Ax.py,line=1,col=1,endLine=1,endColumn=2"
        "::KCG105 50%25 of it%0Anext\n"
    )


def test_sarif_has_what_github_code_scanning_needs(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    log = json.loads(render("sarif", report()))

    assert log["version"] == "2.1.0"
    assert log["$schema"].endswith("sarif-2.1.0.json")
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "kcg"
    assert re.fullmatch(r"\d+\.\d+\.\d+.*", driver["version"])
    assert [rule["id"] for rule in driver["rules"]] == ["KCG105", "KCG201"]
    shape_rule = driver["rules"][1]
    assert shape_rule["name"] == "input-shape-argument"
    assert shape_rule["shortDescription"] == {"text": "`input_shape=` on a layer"}
    assert shape_rule["fullDescription"] == {
        "text": "`input_shape=` on a layer. Keras 3 ignores it with a warning."
    }
    assert shape_rule["help"]["text"] == (
        "What it finds: `input_shape=` on a layer.\n\n"
        "Why it matters: Keras 3 ignores it with a warning.\n\n"
        "Example:\n    Dense(2, input_shape=(4,))\n\n"
        "Use instead:\n    Input(shape=(4,))"
    )
    assert (
        "**Example**\n\n```python\nDense(2, input_shape=(4,))\n```"
        in shape_rule["help"]["markdown"]
    )
    lambda_rule = driver["rules"][0]  # a docstring without the four parts
    assert lambda_rule["fullDescription"] == {"text": "a Lambda layer."}
    assert run["columnKind"] == "unicodeCodePoints"

    assert [r["ruleId"] for r in run["results"]] == ["KCG201", "KCG105", "KCG201"]
    first = run["results"][0]
    assert driver["rules"][first["ruleIndex"]]["id"] == "KCG201"
    assert first["level"] == "error"
    assert first["message"] == {"text": "`input_shape=` on a layer"}
    (where,) = first["locations"]
    assert where["physicalLocation"] == {
        "artifactLocation": {"uri": "a/model.py"},
        "region": {"startLine": 3, "startColumn": 25, "endLine": 3, "endColumn": 43},
    }


def test_sarif_uris_are_relative_with_forward_slashes_or_file_uris(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)

    assert artifact_uri("src/my model.py") == "src/my%20model.py"
    assert artifact_uri(str(tmp_path / "m.py")) == "m.py"
    assert artifact_uri("/elsewhere/m.py") == "file:///elsewhere/m.py"


def test_statistics_count_each_code_most_frequent_first():
    more = report(results=(*report().results, FileResult("c.py", (OTHER,), "x\n")))

    assert stats.render(more).splitlines() == [
        "3  KCG201  [*] `input_shape=` on a layer",
        "1  KCG105  [ ] Lambda layer",
    ]
    assert json.loads(stats.render(more, as_json=True))[0] == {
        "code": "KCG201",
        "name": "input-shape-argument",
        "count": 3,
        "fixable": True,
        "message": "`input_shape=` on a layer",
    }
    assert stats.render(report(results=())) == ""


@pytest.mark.parametrize(
    ("name", "empty"),
    [
        ("full", "All checks passed!\n"),
        ("concise", "All checks passed!\n"),
        ("github", ""),
        ("json", "[]\n"),
    ],
)
def test_an_empty_report(name, empty):
    assert plain(render(name, report(results=()))) == empty


def test_the_command_offers_every_format():
    assert FORMATS == NAMES
