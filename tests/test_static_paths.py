"""Static paths stay static: ``kcg convert --no-verify`` imports neither TensorFlow nor Keras, and never
imports or runs the file it converts."""

from __future__ import annotations

import pytest
from sample_cases import SAMPLES

HEAVY = ("tensorflow", "keras")


def imported_modules(importtime: str) -> list[str]:
    """Module names from ``python -X importtime`` lines: ``import time: self | cumulative | name``."""
    return [
        line.rsplit("|", 1)[1].strip()
        for line in importtime.splitlines()
        if line.startswith("import time:") and "|" in line
    ]


@pytest.mark.parametrize(
    ("case", "style", "exit_code"),
    [
        ("fashion_mnist_functional", "subclassing", 0),
        ("fashion_mnist_sequential", "functional", 0),
        ("fashion_mnist_subclassing", "sequential", 0),
        ("two_input_concat", "sequential", 1),  # refused, with reasons
    ],
)
def test_convert_imports_neither_tensorflow_nor_keras(run_kcg, case, style, exit_code):
    model = SAMPLES / case / "model.py"

    result = run_kcg(
        "convert", model, "--to", style, "--no-verify", python_flags=("-X", "importtime")
    )

    assert result.returncode == exit_code, result.stderr.decode()[-2000:]
    modules = imported_modules(result.stderr.decode())
    assert "kcodegen.cli" in modules  # the import log was read
    assert [m for m in modules if m.startswith(HEAVY)] == []


SIDE_EFFECTS = {
    "statement": "open(SENTINEL, 'w').close()",
    "import": "import sidecar",
    "layer-argument": "units = len(str(open(SENTINEL, 'w')))",
}


@pytest.mark.parametrize("effect", SIDE_EFFECTS)
def test_convert_never_runs_the_file(run_kcg, tmp_path, effect):
    sentinel = tmp_path / "executed"
    (tmp_path / "sidecar.py").write_text(f"open({str(sentinel)!r}, 'w').close()\n")
    source = tmp_path / "model.py"
    source.write_text(
        "import keras\n"
        "from keras import layers\n"
        f"SENTINEL = {str(sentinel)!r}\n"
        "units = 2\n"
        f"{SIDE_EFFECTS[effect]}\n"
        "model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(units)])\n"
        "raise SystemExit('this file must never be run by a static path')\n"
    )

    result = run_kcg("convert", source, "--to", "functional", "--no-verify", cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert b"model = keras.Model(" in result.stdout
    assert SIDE_EFFECTS[effect].encode() in result.stdout
    assert not sentinel.exists()
