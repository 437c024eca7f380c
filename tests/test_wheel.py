"""The wheel built from the repository carries the top-level ``templates/`` inside the package, and
the package it installs converts a sample exactly as the source tree does."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "samples" / "fashion_mnist_functional"

pytestmark = pytest.mark.slow  # builds a wheel (the build backend comes from the package index)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(REPO), "--no-deps", "-q", "-w", str(out)],
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("kcodegen-*.whl")
    return built


def test_the_wheel_ships_every_template_inside_the_package(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    templates = sorted(path.name for path in (REPO / "templates").glob("*.j2"))
    assert templates, "the repository's templates/ folder has templates"
    assert {f"kcodegen/templates/{name}" for name in templates} <= names
    assert not any(name.startswith("templates/") for name in names)


def test_the_installed_wheel_converts_a_sample(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    script = (
        "import sys, kcodegen, kcodegen.codegen.emit as emit\n"
        "print(kcodegen.__file__, emit.template_folder(), file=sys.stderr)\n"
        "from kcodegen.cli import main\n"
        "main()\n"
    )
    env = {**os.environ, "PYTHONPATH": str(site)}  # ahead of the editable checkout
    convert = ("convert", str(SAMPLE / "model.py"), "--to", "subclassing", "--no-verify")
    result = subprocess.run(
        [sys.executable, "-c", script, *convert],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    package, templates = result.stderr.splitlines()[0].split()
    assert Path(package).is_relative_to(site)
    assert Path(templates) == site / "kcodegen" / "templates"
    expected = (SAMPLE / "expected" / "subclassing.py").read_text(encoding="utf-8")
    assert result.stdout == expected
