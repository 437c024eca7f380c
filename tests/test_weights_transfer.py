"""Trained weights follow a conversion: ``kcg convert --weights IN --weights-out OUT`` verifies the
converted model with the original's trained weights and writes them for it by the layer
correspondence. The ResNet sample is the case that needs it: its residual blocks become Layer
classes, so the converted model lists its weights in another order and
``set_weights(original.get_weights())`` cannot carry them."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sample_cases import SAMPLES

pytestmark = pytest.mark.slow

# Run in a subprocess: build the original from its file, give it seeded "trained" weights, save
# them and its predictions on seeded data. Positive values: a variance must be.
TRAIN = """
import runpy, sys, numpy as np, keras
model = runpy.run_path(sys.argv[1])["model"]
rng = np.random.default_rng(7)
model.set_weights([rng.uniform(0.1, 0.5, w.shape).astype(w.dtype) for w in model.get_weights()])
model.save_weights(sys.argv[2])
x = rng.normal(size=(2, 32, 32, 3)).astype("float32")
np.save(sys.argv[3], x)
np.save(sys.argv[4], model.predict(x, verbose=0))
"""
# Build the converted model from its file, load the written weights, predict on the same data;
# then try the original's weights as they are, and set_weights in the original's order.
CHECK = """
import runpy, sys, numpy as np, keras
model = runpy.run_path(sys.argv[1])["model"]
model.load_weights(sys.argv[2])
x, expected = np.load(sys.argv[3]), np.load(sys.argv[4])
print("max abs diff", float(np.max(np.abs(model.predict(x, verbose=0) - expected))))
original = runpy.run_path(sys.argv[5])["model"]
original.load_weights(sys.argv[6])
try:
    model.set_weights(original.get_weights())
    print("set_weights", "same" if np.allclose(model.predict(x, verbose=0), expected) else "differs")
except ValueError:
    print("set_weights refused")
"""


def _python(code: str, *args: Path) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code, *map(str, args)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def test_trained_weights_are_written_for_the_converted_model(tmp_path: Path, run_kcg) -> None:
    original = tmp_path / "model.py"
    shutil.copy(SAMPLES / "resnet_stages" / "model.py", original)
    trained, x, expected = (tmp_path / n for n in ("trained.weights.h5", "x.npy", "y.npy"))
    _python(TRAIN, original, trained, x, expected)
    converted, written = tmp_path / "converted.py", tmp_path / "converted.weights.h5"

    result = run_kcg(
        "convert", original, "--to", "subclassing", "-o", converted,
        "--weights", trained, "--weights-out", written,
    )  # fmt: skip

    assert result.returncode == 0, result.stderr.decode()[-3000:]
    assert f"wrote its trained weights to {written}" in result.stderr.decode()
    report = _python(CHECK, converted, written, x, expected, original, trained).splitlines()
    assert float(report[0].split()[-1]) <= 1e-5
    assert report[1] != "set_weights same"  # why --weights is needed here


def test_nothing_is_written_when_the_weights_do_not_fit(tmp_path: Path, run_kcg) -> None:
    original = tmp_path / "model.py"
    shutil.copy(SAMPLES / "resnet_stages" / "model.py", original)
    trained = tmp_path / "other.weights.h5"  # the weights of some other model
    _python(
        "import sys, keras\n"
        "model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(2)])\n"
        "model.save_weights(sys.argv[1])",
        trained,
    )
    written = tmp_path / "converted.weights.h5"

    result = run_kcg(
        "convert", original, "--to", "subclassing", "-o", tmp_path / "converted.py",
        "--weights", trained, "--weights-out", written,
    )  # fmt: skip

    assert result.returncode == 2, result.stderr.decode()[-3000:]
    assert "loading trained weights into the model" in result.stderr.decode()
    assert not written.exists() and not (tmp_path / "converted.py").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--weights", "{w}"), "--weights and --weights-out go together"),
        (("--weights", "{w}", "--weights-out", "out.h5"), "must end in .weights.h5"),
        (
            ("--weights", "{w}", "--weights-out", "o.weights.h5", "--no-verify"),
            "needs verification",
        ),
    ],
)
def test_weights_options_are_checked(tmp_path: Path, run_kcg, args, message) -> None:
    weights = tmp_path / "w.weights.h5"
    weights.write_bytes(b"")
    filled = [a.format(w=weights) for a in args]

    result = run_kcg(
        "convert", SAMPLES / "resnet_stages" / "model.py", "--to", "subclassing", *filled
    )

    assert result.returncode == 2
    assert message in result.stderr.decode()
