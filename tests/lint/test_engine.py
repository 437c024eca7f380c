"""The lint engine with tiny rules of its own: pre-filters, lazy parsing, noqa, order, workers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import libcst as cst
import pytest

import kcodegen.frontend
from kcodegen.errors import BadInput
from kcodegen.lint import lint
from kcodegen.lint.config import ConfigFinder, RuleChooser, Selection
from kcodegen.lint.files import collect
from kcodegen.lint.noqa import unsuppressed
from kcodegen.lint.registry import all_rules
from kcodegen.lint.rule import Edit, Finding, Fix, LintContext, Rule
from kcodegen.lint.runner import FileResult, Job, RuleCrashed, check, fix, lint_file, run


class DenseLine(Rule):
    """A text rule: every line that creates a Dense layer."""

    code = "TST101"
    name = "dense-line"
    message = "Dense here"
    needs = "text"
    triggers = ("Dense(",)

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        for number, line in enumerate(ctx.lines, start=1):
            if "Dense(" in line:
                yield self.at_line(number, line.index("Dense("))


class ModelCall(Rule):
    """A tree rule: every call of something named ``Model``."""

    code = "TST201"
    name = "model-call"
    message = "Model called"
    needs = "cst"
    triggers = ("Model(",)

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        for node in ctx.positions:
            func = node.func if isinstance(node, cst.Call) else None
            if isinstance(func, cst.Attribute) and func.attr.value == "Model":
                yield self.at_node(ctx, node)


class EveryModel(Rule):
    """A models rule: every model the frontend understands."""

    code = "TST202"
    name = "every-model"
    message = "a model"
    needs = "models"
    triggers = ("Model(",)

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        for graph in ctx.parsed.models:
            yield self.at_line(1, message=f"model {graph.name}")


class NoteAbove(Rule):
    """A fixable rule whose fix inserts a line above each Dense line, once.

    Each fix rewrites the rest of the file, so two fixes always overlap and only one applies per
    pass: fixing a file with two Dense lines takes two passes.
    """

    code = "TST102"
    name = "note-above"
    message = "no note above"
    needs = "text"
    triggers = ("Dense(",)

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        for number, line in enumerate(ctx.lines, start=1):
            above = ctx.lines[number - 2] if number > 1 else ""
            if "Dense(" in line and not above.startswith("# note"):
                start = ctx.offset(number, 0)
                rest = ctx.source[start:]
                fix = Fix("add a note", (Edit(start, len(ctx.source), "# note\n" + rest),))
                yield self.at_line(number, fix=fix)


class Broken(Rule):
    code = "TST301"
    name = "broken"
    message = "never"
    needs = "text"
    triggers = ("Conv2D",)

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        raise ZeroDivisionError("a bug")


RULES = (DenseLine(), ModelCall())

MODEL = """\
import keras
from keras import layers

inputs = keras.Input(shape=(4,))
hidden = layers.Dense(8)(inputs)
outputs = layers.Dense(2)(hidden)
model = keras.Model(inputs, outputs)
"""


def codes_at(findings: list[Finding]) -> list[tuple[str, int]]:
    return [(f.code, f.line) for f in findings]


def test_findings_are_sorted_by_line_col_code():
    findings = check(MODEL, "m.py", (ModelCall(), DenseLine()))

    assert codes_at(findings) == [("TST101", 5), ("TST101", 6), ("TST201", 7)]
    model_call = findings[2]
    assert (model_call.col, model_call.end_line, model_call.end_col) == (8, 7, 36)


def test_a_file_without_keras_is_not_looked_at(monkeypatch):
    calls = []
    monkeypatch.setattr(DenseLine, "check", lambda self, ctx: calls.append(ctx) or iter(()))
    source = "from torch.nn import Dense\nlayer = Dense(3)\n"

    assert check(source, "t.py", RULES) == []
    assert calls == []
    assert check("import tensorflow as tf\n" + source, "t.py", RULES) == []
    assert len(calls) == 1


def test_a_tree_rule_without_its_trigger_never_parses(monkeypatch):
    def no_parsing(source: str) -> cst.Module:
        raise AssertionError("parsed")

    monkeypatch.setattr(kcodegen.frontend, "parse_module", no_parsing)
    without_model_call = MODEL.replace("keras.Model(", "build(")

    assert codes_at(check(without_model_call, "m.py", RULES)) == [("TST101", 5), ("TST101", 6)]
    with pytest.raises(RuleCrashed, match="parsed"):
        check(MODEL, "m.py", RULES)


def test_the_models_are_built_only_for_a_models_rule_whose_trigger_occurs(monkeypatch):
    built = []
    real = kcodegen.frontend.parse_models
    monkeypatch.setattr(
        kcodegen.frontend, "parse_models", lambda source: built.append(source) or real(source)
    )
    rules = (DenseLine(), EveryModel())

    check(MODEL.replace("keras.Model(", "build("), "m.py", rules)
    assert built == []
    findings = check(MODEL, "m.py", rules)
    assert built == [MODEL]
    assert [f.message for f in findings if f.code == "TST202"] == ["model model"]


def test_a_syntax_error_is_bad_input_in_a_parsed_file(tmp_path):
    path = tmp_path / "bad.py"
    path.write_text("import keras\nmodel = keras.Model(\n")

    result = lint_file(Job("bad.py", str(path), RULES))

    assert result.findings == ()
    assert result.error is not None
    assert result.error.startswith("bad.py:2:20: syntax error: ")  # where the `(` is left open


def test_a_rule_that_crashes_is_reported_with_its_code(tmp_path):
    path = tmp_path / "m.py"
    path.write_text(MODEL.replace("Dense(8)", "Conv2D(8, 3)"))

    result = lint_file(Job("m.py", str(path), (Broken(), *RULES)))

    assert (
        result.error
        == "m.py: internal error: TST301 crashed: ZeroDivisionError: a bug (a bug in kcg)"
    )


@pytest.mark.parametrize(
    ("comment", "kept"),
    [
        ("# noqa", []),
        ("# noqa: TST101", []),
        ("#noqa:TST101,TST201", []),
        ("# NOQA: TST1", []),
        ("# noqa: TST201", ["TST101"]),
        ("# noqa: E501", ["TST101"]),
        ("# some other comment", ["TST101"]),
    ],
)
def test_noqa_on_the_line_of_the_finding(comment, kept):
    source = MODEL.replace(
        "hidden = layers.Dense(8)(inputs)", f"hidden = layers.Dense(8)(inputs)  {comment}"
    )

    findings = [f for f in check(source, "m.py", RULES) if f.line == 5]

    assert [f.code for f in findings] == kept


@pytest.mark.parametrize(
    ("comment", "kept"),
    [
        ("# kcg: noqa", []),
        ("# kcg: noqa: TST101", ["TST201"]),
        ("  # KCG: NOQA: TST2, TST101", []),
        ("# kcg: noqa: TST2", ["TST101", "TST101"]),
        ("x = 1  # kcg: noqa", ["TST101", "TST101", "TST201"]),  # not on its own line
    ],
)
def test_noqa_for_the_whole_file(comment, kept):
    source = MODEL + comment + "\n"

    assert [f.code for f in check(source, "m.py", RULES)] == kept


def test_noqa_is_read_only_where_the_finding_starts():
    finding = Finding("TST201", "m", line=2, col=0, end_line=3, end_col=1)

    def kept(source: str) -> list[Finding]:
        return unsuppressed([finding], source, LintContext("m.py", source).lines)

    assert kept("x = f(\n  1,\n)  # noqa\n") == [finding]
    assert kept("x = 1\ny = f(  # noqa\n)\n") == []
    assert kept("x = 1\x0c\ny = f(  # noqa\n)\n") == []  # a form feed does not end a line


def write_tree(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def test_walking_is_sorted_skips_default_excludes_and_keeps_named_files(tmp_path, monkeypatch):
    write_tree(
        tmp_path,
        {
            "b.py": MODEL,
            "a/z.py": MODEL,
            "a/b.py": MODEL,
            "notes.txt": MODEL,
            ".venv/lib/x.py": MODEL,
            "build/gen.py": MODEL,
            "pkg/__pycache__/c.py": MODEL,
            "node_modules/n.py": MODEL,
            "script": MODEL,
        },
    )
    monkeypatch.chdir(tmp_path)

    collected = collect([".", "script", "build/gen.py", "missing.py"], ConfigFinder())

    assert [t.shown for t in collected.targets] == [
        "a/b.py",
        "a/z.py",
        "b.py",
        "build/gen.py",
        "script",
    ]
    assert collected.missing == ("missing.py",)


def test_a_file_named_twice_is_linted_once(tmp_path, monkeypatch):
    write_tree(tmp_path, {"m.py": MODEL})
    monkeypatch.chdir(tmp_path)

    collected = collect(["m.py", ".", "./m.py"], ConfigFinder())

    assert [t.shown for t in collected.targets] == ["m.py"]


CONFIGURED = """\
[tool.kcg.lint]
exclude = ["generated", "legacy/*.py"]
per-file-ignores = {"tests/**" = ["TST1"], "special.py" = ["TST201"]}
"""


def test_configured_excludes_and_per_file_ignores(tmp_path, monkeypatch):
    write_tree(
        tmp_path,
        {
            "pyproject.toml": CONFIGURED,
            "m.py": MODEL,
            "special.py": MODEL,
            "generated/g.py": MODEL,
            "src/generated/g.py": MODEL,
            "legacy/old.py": MODEL,
            "legacy/keep/k.py": MODEL,
            "tests/unit/t.py": MODEL,
        },
    )
    monkeypatch.chdir(tmp_path / "src")

    collected = collect([str(tmp_path)], ConfigFinder())
    codes = frozenset(r.code for r in RULES)
    chooser = RuleChooser(codes, codes, Selection())
    enabled = {
        Path(t.shown).relative_to(tmp_path).as_posix(): sorted(
            chooser.enabled(t.config, t.location)
        )
        for t in collected.targets
    }

    assert enabled == {
        "legacy/keep/k.py": ["TST101", "TST201"],
        "m.py": ["TST101", "TST201"],
        "special.py": ["TST101"],
        "tests/unit/t.py": ["TST201"],
    }


def test_force_exclude_applies_excludes_to_named_files(tmp_path, monkeypatch):
    write_tree(tmp_path, {"pyproject.toml": CONFIGURED, "generated/g.py": MODEL, "m.py": MODEL})
    monkeypatch.chdir(tmp_path)
    named = ["generated/g.py", "m.py"]

    assert [t.shown for t in collect(named, ConfigFinder()).targets] == named
    assert [t.shown for t in collect(named, ConfigFinder(), force_exclude=True).targets] == ["m.py"]


def many_files(root: Path, count: int) -> list[Job]:
    jobs = []
    for number in range(count):
        path = root / f"m{number:02}.py"
        path.write_text(MODEL.replace("Dense(8)", f"Dense({number})") + "\n" * number)
        jobs.append(Job(path.name, str(path), RULES))
    return jobs


def test_worker_processes_give_what_one_process_gives(tmp_path):
    jobs = many_files(tmp_path, 12)

    sequential = run(jobs, parallel=False)
    parallel = run(jobs, parallel=True)

    assert parallel == sequential
    assert [r.shown for r in parallel] == [j.shown for j in jobs]
    assert all(len(r.findings) == 3 for r in parallel)


def test_results_keep_the_source_only_when_there_are_findings(tmp_path):
    clean = tmp_path / "clean.py"
    clean.write_text("import keras\n")

    assert lint_file(Job("clean.py", str(clean), RULES)) == FileResult("clean.py")


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_fixes_repeat_until_stable_and_break_lines_as_the_file_does(newline):
    source = MODEL.replace("\n", newline)

    fixed, applied, remaining = fix(source, "m.py", (NoteAbove(), DenseLine()))

    expected = MODEL.replace("hidden =", "# note\nhidden =").replace(
        "outputs = layers", "# note\noutputs = layers"
    )
    assert fixed == expected.replace("\n", newline)
    assert applied == 2
    assert codes_at(remaining) == [("TST101", 6), ("TST101", 8)]


def test_fix_leaves_suppressed_findings_unfixed():
    source = MODEL.replace("Dense(8)(inputs)", "Dense(8)(inputs)  # noqa: TST102")

    fixed, applied, _ = fix(source, "m.py", (NoteAbove(),))

    assert applied == 1
    assert fixed.count("# note") == 1


def test_the_library_entry_point_runs_the_registered_rules():
    rule = next(rule for rule in all_rules() if rule.INVALID)
    case = rule.INVALID[0]

    assert case.line in [f.line for f in lint(case.code, select=[rule.code])]
    assert lint(case.code, select=[rule.code], ignore=[rule.code]) == []
    with pytest.raises(BadInput, match="unknown rule code or prefix 'KCG999'"):
        lint(case.code, select=["KCG999"])
