"""Shared fixtures: run ``kcg`` as a subprocess, copy samples into a temporary folder, and one
verification worker for the whole run."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest
from sample_cases import SAMPLES

from kcodegen.verify import VerifySession

KcgResult = subprocess.CompletedProcess[bytes]


def _run_kcg(
    *args: str | os.PathLike[str],
    stdin: bytes | None = None,
    python_flags: Sequence[str] = (),
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
) -> KcgResult:
    """``python [FLAGS] -m kcodegen ARGS``, its output as bytes; a non-zero exit is not an error here."""
    feed = {"input": stdin} if stdin is not None else {"stdin": subprocess.DEVNULL}
    return subprocess.run(
        [sys.executable, *python_flags, "-m", "kcodegen", *map(str, args)],
        capture_output=True,
        check=False,
        timeout=120,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        **feed,
    )


@pytest.fixture
def run_kcg() -> Callable[..., KcgResult]:
    return _run_kcg


@pytest.fixture
def copy_sample(tmp_path: Path) -> Callable[..., Path]:
    """``copy_sample(case, name="model.py")``: a copy of ``samples/<case>/model.py`` in ``tmp_path``."""

    def copy(case: str, name: str = "model.py") -> Path:
        target = tmp_path / name
        target.write_bytes((SAMPLES / case / "model.py").read_bytes())
        return target

    return copy


@pytest.fixture(scope="session")
def verify_session() -> Iterator[VerifySession]:
    """One verification worker for the whole run: TensorFlow is imported once."""
    pytest.importorskip("tensorflow")
    with VerifySession(timeout_per_case=120) as session:
        yield session
