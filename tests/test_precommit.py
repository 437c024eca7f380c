"""The ``kcg-lint`` pre-commit hook, installed by the real pre-commit from a copy of this working tree.

pre-commit installs hooks from a git repository at a revision, so the working tree (tracked and
not-ignored files) is committed to a throw-away repository first. One hook environment, in a
PRE_COMMIT_HOME inside the test session's temporary folder, serves every test in this module.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent

CLEAN_MODEL = """\
import keras
from keras import layers

inputs = keras.Input(shape=(16,))
left = layers.Dense(8)(inputs)
right = layers.Dense(8)(inputs)
outputs = layers.Dense(1)(layers.concatenate([left, right]))
model = keras.Model(inputs, outputs)
"""

FAULTY_MODEL = """\
import keras
from keras.src.layers import Dense

model = keras.Sequential([keras.Input(shape=(16,)), Dense(1)])
"""


def _git_environment() -> dict[str, str]:
    """No GIT_* variables: when pytest itself runs inside a git hook they point at another repo."""
    return {key: value for key, value in os.environ.items() if not key.startswith("GIT_")}


def _git(folder: Path, *args: str) -> str:
    identity = ["-c", "user.name=kcg tests", "-c", "user.email=tests@kcg.invalid"]
    completed = subprocess.run(
        ["git", *identity, "-c", "commit.gpgsign=false", *args],
        cwd=folder,
        env=_git_environment(),
        capture_output=True,
        text=True,
        check=True,
    )
    return completed.stdout


@pytest.fixture(scope="module")
def hook_revision(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A committed copy of the working tree as it is now: the repository and its commit."""
    copy = tmp_path_factory.mktemp("kcodegen-snapshot")
    listed = _git(REPO, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    for name in filter(None, listed.split("\0")):
        source = REPO / name
        if source.is_file():  # a tracked file deleted in the working tree is left out
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy / name)
    _git(copy, "init", "-q")
    _git(copy, "add", "-A")
    _git(copy, "commit", "-q", "-m", "working tree snapshot")
    return copy, _git(copy, "rev-parse", "HEAD").strip()


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory, hook_revision: tuple[Path, str]) -> Path:
    """A git repository whose .pre-commit-config.yaml uses the snapshot's kcg-lint hook."""
    hooks, revision = hook_revision
    folder = tmp_path_factory.mktemp("project")
    _git(folder, "init", "-q")
    (folder / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {hooks}\n    rev: {revision}\n    hooks:\n      - id: kcg-lint\n"
    )
    _git(folder, "add", ".pre-commit-config.yaml")
    return folder


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


def _pre_commit(project: Path, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", *args],
        cwd=project,
        env={
            **_git_environment(),
            "PRE_COMMIT_HOME": str(home),
            "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        },
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )


def _run_hook(project: Path, home: Path, file: str, text: str) -> subprocess.CompletedProcess[str]:
    (project / file).write_text(text)
    _git(project, "add", file)
    return _pre_commit(project, home, "run", "--color", "never", "--files", file)


def test_a_clean_model_passes(project: Path, pre_commit_home: Path) -> None:
    completed = _run_hook(project, pre_commit_home, "clean_model.py", CLEAN_MODEL)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "kcg lint" in completed.stdout
    assert "Passed" in completed.stdout


def test_a_faulty_model_fails_with_the_rule_code(project: Path, pre_commit_home: Path) -> None:
    completed = _run_hook(project, pre_commit_home, "faulty_model.py", FAULTY_MODEL)
    assert completed.returncode == 1, completed.stdout + completed.stderr
    assert "Failed" in completed.stdout
    assert "- exit code: 1" in completed.stdout  # findings, not bad input (2)
    assert "faulty_model.py:2:1: KCG201" in completed.stdout  # private import (keras.src)


def test_the_hook_environment_has_no_tensorflow(project: Path, pre_commit_home: Path) -> None:
    installed = _pre_commit(project, pre_commit_home, "install-hooks")
    assert installed.returncode == 0, installed.stdout + installed.stderr
    environments = list(pre_commit_home.glob("repo*/py_env-*"))
    assert environments, "pre-commit created no python environment"
    for environment in environments:
        assert list(environment.glob("lib*/python*/site-packages/libcst"))
        assert not list(environment.glob("lib*/python*/site-packages/tensorflow"))
        assert not list(environment.glob("lib*/python*/site-packages/keras"))
