"""``kcg lint`` stays static: it imports neither TensorFlow nor Keras, and never imports or runs the
files it lints — not to report, not to fix."""

from __future__ import annotations

import shutil

import pytest
from sample_cases import SAMPLES
from test_static_paths import HEAVY, imported_modules


@pytest.mark.parametrize("output_format", ["full", "sarif"])
def test_lint_imports_neither_tensorflow_nor_keras(run_kcg, tmp_path, output_format):
    samples = tmp_path / "samples"
    shutil.copytree(SAMPLES, samples)

    result = run_kcg(
        "lint",
        samples,
        "--fix",
        "--output-format",
        output_format,
        python_flags=("-X", "importtime"),
    )

    assert result.returncode in (0, 1), result.stderr.decode()[-2000:]
    modules = imported_modules(result.stderr.decode())
    assert "kcodegen.lint.runner" in modules  # the import log was read
    assert [m for m in modules if m.startswith(HEAVY)] == []


SIDE_EFFECTS = {
    "statement": "open(SENTINEL, 'w').close()",
    "import": "import sidecar",
    "layer-argument": "units = len(str(open(SENTINEL, 'w')))",
    "private-import": "from keras.src.layers import Dense  # a finding with a fix",
}


@pytest.mark.parametrize("fix", [False, True], ids=["report", "fix"])
@pytest.mark.parametrize("effect", SIDE_EFFECTS)
def test_lint_never_runs_the_file(run_kcg, tmp_path, effect, fix):
    sentinel = tmp_path / "executed"
    (tmp_path / "sidecar.py").write_text(f"open({str(sentinel)!r}, 'w').close()\n")
    source = tmp_path / "model.py"
    source.write_text(
        "import keras\n"
        "from keras import layers\n"
        f"SENTINEL = {str(sentinel)!r}\n"
        "units = 2\n"
        f"{SIDE_EFFECTS[effect]}\n"
        "model = keras.Sequential([layers.Dense(units, input_shape=(4,))])\n"
        "model.save('model.h5')\n"
        "raise SystemExit('this file must never be run by a static path')\n"
    )

    result = run_kcg("lint", source, *(["--fix"] if fix else []), cwd=tmp_path)

    assert result.returncode in (0, 1), result.stderr
    assert b"Traceback" not in result.stderr
    assert b"must never be run" not in result.stderr
    assert not sentinel.exists()


def test_rules_that_read_the_text_leave_libcst_unimported(run_kcg, tmp_path):
    """Importing libcst takes as long as linting a hundred files; only the IR rules need it."""
    source = tmp_path / "layers.py"
    source.write_text("import tensorflow as tf\nfrom keras.src.layers import Dense\n")

    result = run_kcg("lint", source, python_flags=("-X", "importtime"))

    assert result.returncode == 1, result.stderr.decode()[-2000:]
    assert b"KCG201" in result.stdout
    modules = imported_modules(result.stderr.decode())
    assert "kcodegen.lint.runner" in modules
    assert [m for m in modules if m.startswith("libcst")] == []
