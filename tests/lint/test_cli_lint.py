"""``kcg lint`` end to end, as a subprocess: exit codes, messages, formats, --fix, stdin, colour.

The code linted here comes from the rules' own INVALID cases (with the fixed code they declare), so
these tests follow the rules as they change instead of copying the product's output.
"""

from __future__ import annotations

import json
import os
import pty
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from kcodegen.lint.registry import all_rules
from kcodegen.lint.rule import Invalid, Rule

Run = Callable[..., subprocess.CompletedProcess[bytes]]
RULES = all_rules()
CLEAN = (
    "import keras\n\nmodel = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(2)])\n"
)


def case_where(fixed: bool) -> tuple[Rule, Invalid]:
    """A default rule and one of its INVALID cases, with or without a declared fix."""
    for rule in (rule for rule in RULES if rule.default):
        for case in rule.INVALID:
            if (case.fixed is not None) is fixed:
                return rule, case
    raise LookupError("no such case")


FIXABLE_RULE, FIXABLE = case_where(fixed=True)
PLAIN_RULE, PLAIN = case_where(fixed=False)


def lines(output: bytes) -> list[str]:
    return output.decode().splitlines()


@pytest.fixture
def lint(run_kcg: Run, tmp_path: Path) -> Run:
    """``lint(*args, **run_options)``: ``kcg lint ARGS`` in tmp_path."""

    def run(*args: str | Path, **options: object) -> subprocess.CompletedProcess[bytes]:
        return run_kcg("lint", *args, cwd=tmp_path, **options)

    return run


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_a_clean_file_exits_0(lint, tmp_path):
    write(tmp_path, "m.py", CLEAN)

    result = lint("m.py")

    assert result.returncode == 0, result.stderr
    assert lines(result.stdout) == ["All checks passed!"]
    assert result.stderr == b""


def test_findings_exit_1_and_are_listed_by_path_then_line(lint, tmp_path):
    write(tmp_path, "b.py", PLAIN.code)
    write(tmp_path, "a/m.py", PLAIN.code)

    result = lint(".", "--output-format", "concise", "--select", PLAIN_RULE.code)

    assert result.returncode == 1
    out = lines(result.stdout)
    assert [line.split(":")[:2] for line in out[:-1]] == [
        ["a/m.py", str(PLAIN.line)],
        ["b.py", str(PLAIN.line)],
    ]
    assert all(f": {PLAIN_RULE.code} " in line for line in out[:-1])
    assert out[-1] == "Found 2 errors."


def test_a_folder_without_python_files_is_clean_with_a_warning(lint, tmp_path):
    write(tmp_path, "docs/readme.txt", "import keras\n")

    result = lint("docs")

    assert result.returncode == 0
    assert lines(result.stderr) == ["kcg: no Python files found"]


def test_exit_zero(lint, tmp_path):
    write(tmp_path, "m.py", PLAIN.code)

    assert lint("m.py", "--exit-zero").returncode == 0


def test_full_output_quotes_the_line(lint, tmp_path):
    write(tmp_path, "m.py", PLAIN.code)

    out = lines(lint("m.py", "--select", PLAIN_RULE.code).stdout)

    assert out[0].startswith(f"m.py:{PLAIN.line}:")
    assert out[1] == f"  {PLAIN.line} | {PLAIN.code.splitlines()[PLAIN.line - 1]}".rstrip()
    assert set(out[2].split("|")[1].strip()) == {"^"}


def test_a_missing_path_is_bad_input_but_the_others_are_linted(lint, tmp_path):
    write(tmp_path, "m.py", PLAIN.code)

    result = lint("nope.py", "m.py", "--output-format", "concise")

    assert result.returncode == 2
    assert lines(result.stderr) == ["nope.py: no such file or directory"]
    assert lines(result.stdout)[0].startswith(f"m.py:{PLAIN.line}:")


def test_a_syntax_error_is_reported_with_its_place_and_exits_2(lint, tmp_path):
    triggers = " ".join(trigger for rule in RULES for trigger in rule.triggers)
    write(tmp_path, "bad.py", f"import keras  # {triggers}\n\ndef broken(:\n")
    write(tmp_path, "m.py", PLAIN.code)

    result = lint(".", "--output-format", "concise")

    assert result.returncode == 2
    (error,) = lines(result.stderr)
    assert error.startswith("bad.py:3:")
    assert ": syntax error: " in error
    assert b"Traceback" not in result.stderr
    assert lines(result.stdout)[0].startswith(f"m.py:{PLAIN.line}:")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--select", "KCG999"), "kcg: --select: unknown rule code or prefix 'KCG999'"),
        (("--ignore", "KCG,XYZ"), "kcg: --ignore: unknown rule code or prefix 'XYZ'"),
        (("--config", "none.toml"), "kcg: none.toml: cannot read: No such file or directory"),
    ],
)
def test_usage_mistakes_exit_2_with_one_line(lint, tmp_path, args, message):
    write(tmp_path, "m.py", PLAIN.code)

    result = lint("m.py", *args)

    assert result.returncode == 2
    assert lines(result.stderr) == [message]
    assert result.stdout == b""


def test_a_bad_configuration_names_the_file_and_the_key(lint, tmp_path):
    write(tmp_path, "pyproject.toml", '[tool.kcg.lint]\nselect = ["KCG", "KCG9"]\n')
    write(tmp_path, "src/m.py", PLAIN.code)

    result = lint("src")

    assert result.returncode == 2
    assert lines(result.stderr) == [
        f"kcg: {tmp_path / 'pyproject.toml'}: [tool.kcg.lint] select: unknown rule code or prefix 'KCG9'"
    ]


def test_configuration_selects_and_the_command_line_wins(lint, tmp_path):
    write(tmp_path, "pyproject.toml", f'[tool.kcg.lint]\nignore = ["{PLAIN_RULE.code}"]\n')
    write(tmp_path, "m.py", PLAIN.code)

    assert lint("m.py", "--select", PLAIN_RULE.code).returncode == 1
    configured = lint("m.py", "--output-format", "json")
    assert PLAIN_RULE.code not in {item["code"] for item in json.loads(configured.stdout)}


def test_fix_writes_the_declared_fix_keeps_the_mode_and_is_idempotent(lint, tmp_path):
    path = write(tmp_path, "m.py", FIXABLE.code)
    path.chmod(0o640)

    first = lint("m.py", "--fix", "--select", FIXABLE_RULE.code)

    assert first.returncode == 0, first.stdout
    assert path.read_text() == FIXABLE.fixed
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert lines(first.stdout)[-1].endswith(" fixed, 0 remaining).")
    second = lint("m.py", "--fix", "--select", FIXABLE_RULE.code)
    assert second.returncode == 0
    assert lines(second.stdout) == ["All checks passed!"]
    assert path.read_text() == FIXABLE.fixed


def test_fix_leaves_suppressed_findings_alone(lint, tmp_path):
    lines_of_case = FIXABLE.code.splitlines(keepends=True)
    lines_of_case[FIXABLE.line - 1] = lines_of_case[FIXABLE.line - 1].rstrip("\n") + "  # noqa\n"
    silenced = "".join(lines_of_case)
    path = write(tmp_path, "m.py", silenced)

    result = lint("m.py", "--fix", "--select", FIXABLE_RULE.code)

    assert result.returncode == 0
    assert path.read_text() == silenced


def test_fix_keeps_windows_newlines(lint, tmp_path):
    path = tmp_path / "m.py"
    path.write_bytes(FIXABLE.code.replace("\n", "\r\n").encode())

    lint("m.py", "--fix", "--select", FIXABLE_RULE.code)

    assert path.read_bytes() == FIXABLE.fixed.replace("\n", "\r\n").encode()  # type: ignore[union-attr]


def test_stdin_is_shown_as_dash_or_as_the_given_name(lint):
    data = PLAIN.code.encode()

    plain = lint("-", "--output-format", "concise", stdin=data)
    named = lint("-", "--stdin-filename", "pkg/m.py", "--output-format", "concise", stdin=data)

    assert plain.returncode == named.returncode == 1
    assert lines(plain.stdout)[0].startswith(f"-:{PLAIN.line}:")
    assert lines(named.stdout)[0].startswith(f"pkg/m.py:{PLAIN.line}:")


def test_fixing_stdin_prints_the_fixed_code_and_reports_on_stderr(lint):
    result = lint("-", "--fix", "--select", FIXABLE_RULE.code, stdin=FIXABLE.code.encode())

    assert result.returncode == 0
    assert result.stdout.decode() == FIXABLE.fixed
    assert lines(result.stderr)[-1].endswith(" fixed, 0 remaining).")


def test_statistics(lint, tmp_path):
    write(tmp_path, "a.py", PLAIN.code)
    write(tmp_path, "b.py", PLAIN.code)

    result = lint(".", "--statistics", "--select", PLAIN_RULE.code)

    assert result.returncode == 1
    (row,) = lines(result.stdout)
    assert row.split()[:2] == ["2", PLAIN_RULE.code]
    assert row.endswith(PLAIN_RULE.message)


def test_github_and_sarif_formats(lint, tmp_path):
    write(tmp_path, "src/m.py", PLAIN.code)

    github = lines(lint("src", "--output-format", "github").stdout)
    sarif = json.loads(lint("src", "--output-format", "sarif").stdout)

    assert github[0].startswith(
        f"::error title=kcg ({PLAIN_RULE.code}),file=src/m.py,line={PLAIN.line},"
    )
    (result, *_) = sarif["runs"][0]["results"]
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "src/m.py"
    assert location["region"]["startLine"] == PLAIN.line
    rule_ids = [rule["id"] for rule in sarif["runs"][0]["tool"]["driver"]["rules"]]
    assert rule_ids == sorted(rule.code for rule in RULES if rule.default)  # the rules that ran


def run_in_terminal(args: list[str], cwd: Path, env: dict[str, str]) -> bytes:
    """``kcg ARGS`` with its stdout on a pseudo-terminal, as a user at a terminal would run it."""
    leader, follower = pty.openpty()
    with subprocess.Popen(
        [sys.executable, "-m", "kcodegen", *args],
        stdout=follower,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
        cwd=cwd,
        env={**os.environ, **env},
    ) as process:
        os.close(follower)
        output = b""
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the terminal closed
                break
            if not chunk:
                break
            output += chunk
        process.wait(timeout=60)
    os.close(leader)
    return output


def test_colour_only_on_a_terminal_and_never_with_no_color(lint, tmp_path):
    write(tmp_path, "m.py", PLAIN.code)
    colour_allowed = {"NO_COLOR": ""}  # empty counts as unset (no-color.org)

    piped = lint("m.py", env=colour_allowed)
    terminal = run_in_terminal(["lint", "m.py"], tmp_path, colour_allowed)
    no_color = run_in_terminal(["lint", "m.py"], tmp_path, {"NO_COLOR": "1"})

    assert b"\x1b[" not in piped.stdout
    assert b"\x1b[" in terminal
    assert b"\x1b[" not in no_color
    assert PLAIN_RULE.code.encode() in no_color
