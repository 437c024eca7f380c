"""``[tool.kcg.lint]``: reading it, finding the nearest one, globs, and who wins over whom."""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

import pytest

from kcodegen.errors import BadInput
from kcodegen.lint.config import (
    ConfigFinder,
    Glob,
    LintConfig,
    RuleChooser,
    Selection,
    check_selectors,
    choose,
    parse_codes,
    read_config,
)

KNOWN = frozenset({"KCG101", "KCG102", "KCG201", "KCG202", "KCG301"})
DEFAULTS = KNOWN - {"KCG101", "KCG102"}  # as if the KCG1 rules were about taste


@pytest.mark.parametrize(
    ("select", "ignore", "chosen"),
    [
        (("",), (), KNOWN),
        (("KCG1",), (), {"KCG101", "KCG102"}),
        (("KCG1", "KCG301"), (), {"KCG101", "KCG102", "KCG301"}),
        (("KCG",), ("KCG2",), {"KCG101", "KCG102", "KCG301"}),
        (("KCG2",), ("KCG201",), {"KCG202"}),
        (("KCG201",), ("KCG2",), {"KCG201"}),  # the more specific selector wins
        (("KCG2",), ("KCG2",), set()),  # a tie goes to ignore
    ],
)
def test_choose_by_prefix_and_specificity(select, ignore, chosen):
    assert choose(KNOWN, select, ignore) == chosen


def test_codes_are_split_on_commas_and_uppercased():
    assert parse_codes(" kcg1, KCG201,,") == ("KCG1", "KCG201")


def test_an_unknown_code_or_prefix_is_bad_input():
    check_selectors(("KCG", "KCG3", "KCG301"), KNOWN, "--select")
    with pytest.raises(BadInput, match=r"^--select: unknown rule code or prefix 'KCG999'$"):
        check_selectors(("KCG1", "KCG999"), KNOWN, "--select")


CONFIG = LintConfig(
    root=Path("/p"), origin="/p/pyproject.toml", select=("KCG1", "KCG2"), ignore=("KCG102",)
)


@pytest.mark.parametrize(
    ("cli", "enabled"),
    [
        (Selection(), {"KCG101", "KCG201", "KCG202"}),
        (Selection(ignore=("KCG2",)), {"KCG101"}),
        # --select replaces the configured selection, its ignores included
        (Selection(select=("KCG102", "KCG3")), {"KCG102", "KCG301"}),
        (Selection(select=("KCG",), ignore=("KCG1",)), {"KCG201", "KCG202", "KCG301"}),
    ],
)
def test_the_command_line_wins_over_the_configuration(cli, enabled):
    assert RuleChooser(KNOWN, DEFAULTS, cli).enabled(CONFIG, None) == enabled


def test_per_file_ignores_apply_even_to_selected_rules():
    config = LintConfig(root=Path("/p"), per_file_ignores=((Glob("tests/*.py"), ("KCG1",)),))
    chooser = RuleChooser(KNOWN, DEFAULTS, Selection(select=("KCG101", "KCG201")))

    assert chooser.enabled(config, Path("/p/tests/t.py")) == {"KCG201"}
    assert chooser.enabled(config, Path("/p/src/t.py")) == {"KCG101", "KCG201"}
    assert chooser.enabled(config, None) == {"KCG101", "KCG201"}


@pytest.mark.parametrize(
    ("pattern", "path", "matches", "matches_entry"),
    [
        ("build", "build", True, True),
        ("build", "src/build/x.py", True, False),  # a folder's files; a walk stops at the folder
        ("*_test.py", "a/b/c_test.py", True, True),
        ("src/legacy", "src/legacy/old.py", True, False),
        ("src/legacy", "other/src/legacy/old.py", False, False),
        ("./src/legacy/", "src/legacy", True, True),
        ("tests/*.py", "tests/t.py", True, True),
        ("tests/*.py", "tests/unit/t.py", False, False),
        ("tests/**/*.py", "tests/unit/deep/t.py", True, True),
        ("tests/**/*.py", "tests/t.py", True, True),
        ("tests/**", "tests/unit/t.py", True, True),
        ("m[0-9].py", "m7.py", True, True),
        ("m[!0-9].py", "m7.py", False, False),
        ("m?.py", "m10.py", False, False),
    ],
)
def test_globs(pattern, path, matches, matches_entry):
    glob = Glob(pattern)

    assert glob.matches(PurePosixPath(path)) is matches
    assert glob.matches_entry(PurePosixPath(path)) is matches_entry


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_a_table_is_read_with_globs_relative_to_its_folder(tmp_path):
    pyproject = write(
        tmp_path / "pyproject.toml",
        '[tool.kcg.lint]\nselect = ["kcg1"]\nignore = ["KCG102"]\n'
        'per-file-ignores = {"tests/*" = ["KCG101"]}\nexclude = ["gen"]\n',
    )

    config = read_config(pyproject)

    assert config == LintConfig(
        root=tmp_path.resolve(),
        origin=str(pyproject),
        select=("KCG1",),
        ignore=("KCG102",),
        per_file_ignores=((Glob("tests/*"), ("KCG101",)),),
        exclude=(Glob("gen"),),
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '[tool.kcg.lint]\nselect = "KCG1"\n',
            r"\[tool.kcg.lint\] select: expected a list of rule codes$",
        ),
        (
            "[tool.kcg.lint]\nignore = [1]\n",
            r"\[tool.kcg.lint\] ignore: expected a list of rule codes$",
        ),
        (
            '[tool.kcg.lint]\nselct = ["KCG1"]\n',
            r"\[tool.kcg.lint\] selct: unknown key; expected one of select, ",
        ),
        (
            '[tool.kcg.lint]\nexclude = "gen"\n',
            r"\[tool.kcg.lint\] exclude: expected a list of globs$",
        ),
        (
            '[tool.kcg.lint]\nper-file-ignores = ["x"]\n',
            r"\[tool.kcg.lint\] per-file-ignores: expected a table of glob = \[codes\]$",
        ),
        (
            '[tool.kcg.lint]\nper-file-ignores = {"t/*" = "KCG1"}\n',
            r"\[tool.kcg.lint\] per-file-ignores 't/\*': expected a list of rule codes$",
        ),
        ('[tool.kcg.lint]\nselect = [""]\n', r"\[tool.kcg.lint\] select: empty rule code$"),
        ("[tool.kcg]\nlint = 3\n", r"\[tool.kcg.lint\] must be a table$"),
    ],
)
def test_a_bad_table_names_the_file_and_the_key(tmp_path, text, message):
    pyproject = write(tmp_path / "pyproject.toml", text)

    with pytest.raises(BadInput, match=rf"^{re.escape(str(pyproject))}: {message}"):
        read_config(pyproject)


def test_invalid_toml_gives_the_line_and_column(tmp_path):
    pyproject = write(tmp_path / "pyproject.toml", "[tool.kcg.lint]\nselect = = 1\n")

    with pytest.raises(BadInput) as raised:
        read_config(pyproject)

    assert raised.value.message == f"{pyproject}:2:10: invalid TOML: Invalid value"


def test_the_nearest_pyproject_with_a_table_wins(tmp_path):
    write(tmp_path / "pyproject.toml", '[tool.kcg.lint]\nselect = ["KCG1"]\n')
    write(
        tmp_path / "sub" / "pyproject.toml", "[tool.black]\nline-length = 88\n"
    )  # no table: skipped
    write(tmp_path / "other" / "pyproject.toml", '[tool.kcg.lint]\nselect = ["KCG2"]\n')
    (tmp_path / "sub" / "deep").mkdir()
    finder = ConfigFinder()

    assert finder.for_folder(tmp_path / "sub" / "deep").select == ("KCG1",)
    assert finder.for_folder(tmp_path / "sub" / "deep").root == tmp_path.resolve()
    assert finder.for_folder(tmp_path / "other").select == ("KCG2",)
    assert len(finder.all_found()) == 2


def test_an_explicit_config_file_is_used_everywhere_and_must_have_the_table(tmp_path):
    write(tmp_path / "pyproject.toml", '[tool.kcg.lint]\nselect = ["KCG1"]\n')
    explicit = write(tmp_path / "ci" / "kcg.toml", '[tool.kcg.lint]\nselect = ["KCG3"]\n')
    empty = write(tmp_path / "ci" / "empty.toml", "")

    assert ConfigFinder(explicit).for_folder(tmp_path).select == ("KCG3",)
    with pytest.raises(BadInput, match=r"empty.toml: no \[tool.kcg.lint\] table$"):
        ConfigFinder(empty)
    with pytest.raises(BadInput, match=r"missing.toml: cannot read: "):
        ConfigFinder(tmp_path / "missing.toml")


def test_without_any_configuration_the_default_rules_are_selected(tmp_path):
    config = ConfigFinder().for_folder(tmp_path)

    assert config.origin is None
    assert RuleChooser(KNOWN, DEFAULTS).enabled(config, tmp_path / "m.py") == DEFAULTS


@pytest.mark.parametrize(
    ("config", "cli", "enabled"),
    [
        # ignore takes default rules away by prefix, as it does selected ones
        (LintConfig(root=Path("/p"), ignore=("KCG2",)), Selection(), {"KCG301"}),
        # extend-select adds opt-in rules to the defaults, in the table or on the command line
        (
            LintConfig(root=Path("/p"), extend_select=("KCG101",)),
            Selection(),
            DEFAULTS | {"KCG101"},
        ),
        (LintConfig(root=Path("/p")), Selection(extend_select=("KCG1",)), KNOWN),
        # and to an explicit selection; ignore still wins where it is as specific
        (CONFIG, Selection(extend_select=("KCG301",)), {"KCG101", "KCG201", "KCG202", "KCG301"}),
        (
            LintConfig(root=Path("/p"), extend_select=("KCG1",), ignore=("KCG1",)),
            Selection(),
            DEFAULTS,
        ),
        # --select replaces the defaults too
        (LintConfig(root=Path("/p")), Selection(select=("KCG101",)), {"KCG101"}),
    ],
)
def test_defaults_and_extend_select(config, cli, enabled):
    assert RuleChooser(KNOWN, DEFAULTS, cli).enabled(config, None) == enabled


def test_extend_select_is_read_from_the_table(tmp_path):
    path = write(tmp_path / "pyproject.toml", '[tool.kcg.lint]\nextend-select = ["kcg101"]\n')

    config = read_config(path)

    assert config is not None and config.extend_select == ("KCG101",)
