"""Models built here, saved as ``.keras``, ``.h5`` and JSON, written back as code in every style
that fits and verified against the saved model with its own weights: convert, re-parse, run
both, compare outputs."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kcodegen.saved.convert import convert_saved

from .styles import style_problems

pytestmark = pytest.mark.slow

# Run in the models' folder. Weights are seeded away from their initial values, so a copy that
# misses a layer shows.
SAVE = """
import numpy as np, keras
from keras import layers, ops

rng = np.random.default_rng(7)

def save(model, name, *suffixes):
    model.set_weights([rng.uniform(0.1, 0.5, w.shape).astype(w.dtype) for w in model.get_weights()])
    for suffix in suffixes:
        if suffix == ".json":
            open(name + suffix, "w").write(model.to_json())
        else:
            model.save(name + suffix)

save(keras.Sequential([
    keras.Input((12,)),
    layers.Dense(16, activation="relu", kernel_regularizer=keras.regularizers.L2(0.01)),
    layers.BatchNormalization(),
    layers.Dropout(0.25),
    layers.Dense(3, activation="softmax", name="probabilities"),
], name="mlp"), "mlp", ".keras", ".h5", ".json")

a, b = keras.Input((10,), name="left"), keras.Input((10,), name="right")
tower = layers.Dense(8, activation="tanh", name="tower")
encoder = keras.Sequential([layers.Dense(6, activation="relu"), layers.Dense(4)], name="encoder")
inner_in = keras.Input((8,))
head = keras.Model(inner_in, layers.Dense(2, name="head_dense")(inner_in), name="head")
ta, tb = tower(a), tower(b)
merged = layers.Concatenate(name="merge")([ta, tb * 0.5])
mean = ops.mean(merged, axis=-1, keepdims=True)
save(keras.Model(
    {"left": a, "right": b},
    {"code": encoder(merged[:, :8] - mean), "score": head(ta + tb)},
    name="siamese",
), "siamese", ".keras")

# Legacy .h5 files cannot hold recorded ops (Keras cannot load them back): a model without.
c, d = keras.Input((6,), name="first"), keras.Input((6,), name="second")
shared = layers.Dense(4, activation="relu", name="shared")
inner = keras.Sequential([layers.Dense(3, name="inner_dense")], name="inner")
joined = layers.Add(name="join")([shared(c), shared(d)])
save(keras.Model([c, d], [inner(joined), layers.Dense(1, name="score")(joined)], name="twin"),
     "twin", ".keras", ".h5")

inputs = keras.Input((16, 16, 3), name="image")
x = layers.Conv2D(8, 3, padding="same", name="stem_conv")(inputs)
for stage, filters in enumerate([8, 8, 8, 16], start=1):
    shortcut = x
    if filters != x.shape[-1]:
        shortcut = layers.Conv2D(filters, 1, name=f"stage{stage}_proj")(x)
    y = layers.Conv2D(filters, 3, padding="same", name=f"stage{stage}_conv1")(x)
    y = layers.BatchNormalization(name=f"stage{stage}_bn1")(y)
    y = layers.Activation("relu", name=f"stage{stage}_relu1")(y)
    y = layers.Conv2D(filters, 3, padding="same", name=f"stage{stage}_conv2")(y)
    x = layers.Add(name=f"stage{stage}_add")([shortcut, y])
    x = layers.Activation("relu", name=f"stage{stage}_out")(x)
x = layers.GlobalAveragePooling2D(name="pool")(x)
save(keras.Model(inputs, layers.Dense(5, name="logits")(x), name="resnetlike"), "resnetlike", ".keras")
"""

# Which styles each model fits; the others must be refused with a reason.
STYLES = {
    "mlp": {"functional", "sequential", "subclassing"},
    "siamese": {"functional", "subclassing"},
    "twin": {"functional", "subclassing"},
    "resnetlike": {"functional", "subclassing"},
}
FILES = [
    "mlp.keras",
    "mlp.h5",
    "mlp.json",
    "siamese.keras",
    "twin.keras",
    "twin.h5",
    "resnetlike.keras",
]


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    folder = tmp_path_factory.mktemp("saved")
    done = subprocess.run(
        [sys.executable, "-c", SAVE], cwd=folder, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return folder


def test_every_style_that_fits_is_verified_and_the_others_refused(saved, verify_session):
    assert style_problems(saved, FILES, STYLES, verify_session) == []


def test_what_the_functional_module_says(saved):
    siamese = convert_saved(str(saved / "siamese.keras"), "functional").output
    resnet = convert_saved(str(saved / "resnetlike.keras"), "functional").output

    # The shared layer is made once and called twice; the nested models are models of their own.
    assert siamese.count("layers.Dense(8,") == 1
    assert "tower(left)" in siamese and "tower(right)" in siamese
    assert "encoder = keras.Sequential(" in siamese and "head = keras.Model(" in siamese
    # Operations as their author wrote them; dict inputs and outputs by key.
    assert "ops.mean(" in siamese and " * 0.5" in siamese and "[:, :8]" in siamese
    assert '{"left": left, "right": right}, {"code": encoder_2, "score": x}' in siamese
    # The three alike stages are one helper, called in a loop, their layer names as saved; the
    # fourth has a projection, so only its chain is the stages' unit: stem, unit (2), projection.
    assert "for i in range(1, 4):" in resnet
    assert 'name=f"{name}_conv1"' in resnet and 'name=f"stage{i}"' in resnet
    assert resnet.count("layers.Conv2D(") == 1 + 2 + 1


LIVE = """
import keras, kcodegen
from keras import layers
inputs = keras.Input((6,), name="features")
x = layers.Dense(4, activation="relu", name="hidden")(inputs)
model = keras.Model(inputs, layers.Dense(1, name="out")(x), name="live")
print(kcodegen.from_model(model, to="sequential", variable="net").output)
"""


def test_a_live_model_becomes_code():
    done = subprocess.run([sys.executable, "-c", LIVE], capture_output=True, text=True, timeout=300)

    assert done.returncode == 0, done.stderr[-2000:]
    assert "net = keras.Sequential(" in done.stdout
    assert 'layers.Dense(4, activation="relu", name="hidden")' in done.stdout


SAVE_CUSTOM = """
import numpy as np, keras
from keras import layers
from real_layers import Scale

inputs = keras.Input((5,), name="features")
x = Scale(2.5, name="scale")(inputs)
x = layers.Dense(3, activation="tanh", name="hidden")(x)
model = keras.Model(inputs, layers.Dense(1, name="out")(x), name="scaled")
rng = np.random.default_rng(5)
model.set_weights([rng.uniform(0.1, 0.5, w.shape).astype(w.dtype) for w in model.get_weights()])
model.save("scaled.keras")
"""

# Run the generated module as the user will, load the weights kcg wrote, compare with the saved.
CHECK = """
import runpy, numpy as np, keras
import real_layers
saved = keras.saving.load_model("scaled.keras")
model = runpy.run_path("scaled.py")["model"]
model.load_weights("scaled.weights.h5")
data = np.random.default_rng(0).normal(size=(4, 5)).astype("float32")
print(float(np.max(np.abs(np.asarray(saved(data)) - np.asarray(model(data))))))
"""


def test_custom_classes_and_trained_weights_come_with_the_code(run_kcg, tmp_path):
    shutil.copy(Path(__file__).with_name("real_layers.py"), tmp_path)
    done = subprocess.run([sys.executable, "-c", SAVE_CUSTOM], cwd=tmp_path, capture_output=True)
    assert done.returncode == 0, done.stderr.decode()[-2000:]

    written = run_kcg(
        *("convert", "scaled.keras", "--to", "functional", "-o", "scaled.py"),
        *("--weights-out", "scaled.weights.h5"),
        cwd=tmp_path,
    )
    subclass = run_kcg("convert", "scaled.keras", "--to", "subclassing", cwd=tmp_path)

    assert written.returncode == 0, written.stderr.decode()[-2000:]
    assert "verified" in written.stderr.decode()
    assert "from real_layers import Scale" in (tmp_path / "scaled.py").read_text()
    check = subprocess.run([sys.executable, "-c", CHECK], cwd=tmp_path, capture_output=True)
    assert check.returncode == 0, check.stderr.decode()[-2000:]
    assert float(check.stdout.decode().split()[-1]) <= 1e-5
    # The other styles convert the Functional module, knowing the imported class is a layer.
    assert subclass.returncode == 0, subclass.stderr.decode()[-2000:]
    assert "verified" in subclass.stderr.decode()
    assert "self.scale = Scale(" in subclass.stdout.decode()
