"""Static paths stay static: ``kcg analyze`` and ``kcg graph`` (text formats) import neither
TensorFlow nor Keras, and never import or run the file they read."""

from __future__ import annotations

import pytest
from sample_cases import SAMPLES

HEAVY = ("tensorflow", "keras")
SIDE_EFFECTS = {
    "statement": "open(SENTINEL, 'w').close()",
    "import": "import sidecar",
    "layer-argument": "units = len(str(open(SENTINEL, 'w')))",
}
COMMANDS = {
    "analyze-text": ("analyze",),
    "analyze-json": ("analyze", "--format", "json"),
    "graph-mermaid": ("graph",),
    "graph-dot": ("graph", "--format", "dot", "--expand-nested"),
    "graph-json": ("graph", "--format", "json"),
}


def imported_modules(importtime: str) -> list[str]:
    """Module names from ``python -X importtime`` lines: ``import time: self | cumulative | name``."""
    return [
        line.rsplit("|", 1)[1].strip()
        for line in importtime.splitlines()
        if line.startswith("import time:") and "|" in line
    ]


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("case", ["siamese_shared_dense", "subclass_two_outputs"])
def test_imports_neither_tensorflow_nor_keras(run_kcg, command, case):
    name, *options = COMMANDS[command]

    result = run_kcg(name, SAMPLES / case / "model.py", *options, python_flags=("-X", "importtime"))

    assert result.returncode == 0, result.stderr.decode()[-2000:]
    assert result.stdout  # something was drawn or reported
    modules = imported_modules(result.stderr.decode())
    assert f"kcodegen.commands.{name}" in modules  # the import log was read, the command ran
    assert [m for m in modules if m.startswith(HEAVY)] == []


@pytest.mark.parametrize("command", ["analyze-text", "graph-mermaid", "graph-dot"])
@pytest.mark.parametrize("effect", SIDE_EFFECTS)
def test_never_runs_the_file(run_kcg, tmp_path, command, effect):
    sentinel = tmp_path / "executed"
    (tmp_path / "sidecar.py").write_text(f"open({str(sentinel)!r}, 'w').close()\n")
    source = tmp_path / "model.py"
    source.write_text(
        "import keras\n"
        "from keras import layers\n"
        f"SENTINEL = {str(sentinel)!r}\n"
        "units = 2\n"
        f"{SIDE_EFFECTS[effect]}\n"
        "model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(units, name='probe')])\n"
        "raise SystemExit('this file must never be run by a static path')\n"
    )
    name, *options = COMMANDS[command]

    result = run_kcg(name, source, *options, cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert b"probe" in result.stdout  # the layer named in the file was read
    assert not sentinel.exists()
