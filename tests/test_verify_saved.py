"""A module generated from a saved model, verified against that model with its own weights
(``verify_saved``). The generated modules are written here by hand, as the generator writes them;
the saved models are built and saved once, in a subprocess, with seeded non-default weights."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kcodegen.verify import VerifyFailure, VerifyReport, VerifySession, verify_saved

pytestmark = pytest.mark.slow

# The custom layer's module: the saved-model tests' own, under the name these cases import.
CUSTOM_LAYERS = Path(__file__).with_name("saved") / "real_layers.py"

# Run in the models' folder: build each model, give it seeded weights away from any initializer's
# values (positive: a variance must be), save it.
SAVE = """
import numpy as np, keras
from keras import layers
from custom_layers import Scale

rng = np.random.default_rng(3)

def trained(model):
    model.set_weights([rng.uniform(0.1, 0.5, w.shape).astype(w.dtype) for w in model.get_weights()])
    return model

seq = keras.Sequential(
    [keras.Input((8,), name="x"), layers.Dense(6, activation="relu", name="d1"),
     layers.BatchNormalization(name="bn"), layers.Dense(3, name="d2")],
    name="seq",
)
trained(seq).save("seq.keras")

a, b = keras.Input((8,), name="a"), keras.Input((8,), name="b")
shared = layers.Dense(5, activation="tanh", name="shared")
sa, sb = shared(a), shared(b)
inner = keras.Sequential([layers.Dense(4, activation="relu", name="i1"), layers.Dense(2, name="i2")],
                         name="inner")
head = layers.Dense(3, name="head")(layers.Concatenate(name="cat")([sa, sb]))
two = trained(keras.Model({"a": a, "b": b}, [inner(sa), head], name="two"))
two.save("two.keras")
two.save("two.h5")

image = keras.Input((None, None, 2), name="img")
x = layers.Conv2D(3, 3, padding="same", name="c")(image)
x = layers.Dense(2, name="out")(layers.GlobalAveragePooling2D(name="gap")(x))
with open("conv.json", "w") as file:
    file.write(keras.Model(image, x, name="conv").to_json())

x = keras.Input((4,), name="x")
custom = keras.Model(x, layers.Dense(2, name="d")(Scale(3.0, name="scale")(x)), name="custom")
trained(custom).save("custom.keras")
"""

SEQ = """\
import keras
from keras import layers

inputs = keras.Input(shape=(8,), name="x")
x = layers.Dense(6, activation="relu", name="d1")(inputs)
x = layers.BatchNormalization(name="bn")(x)
x = layers.Dense(3, name="d2")(x)
model = keras.Model(inputs, x, name="seq")
"""

SEQ_SUBCLASSING = """\
import keras
from keras import layers


class Block(layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.d1 = layers.Dense(6, activation="relu", name="d1")
        self.bn = layers.BatchNormalization(name="bn")

    def call(self, inputs, training=None):
        return self.bn(self.d1(inputs), training=training)


class Seq(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.block = Block(name="block")
        self.d2 = layers.Dense(3, name="d2")

    def call(self, inputs, training=None):
        return self.d2(self.block(inputs, training=training))


model = Seq(name="seq")
"""

TWO = """\
import keras
from keras import layers

a = keras.Input(shape=(8,), name="a")
b = keras.Input(shape=(8,), name="b")
shared = layers.Dense(5, activation="tanh", name="shared")
shared_a = shared(a)
shared_b = shared(b)
inner = keras.Sequential(
    [layers.Dense(4, activation="relu", name="i1"), layers.Dense(2, name="i2")], name="inner"
)
cat = layers.Concatenate(name="cat")([shared_a, shared_b])
head = layers.Dense(3, name="head")(cat)
model = keras.Model({"a": a, "b": b}, [inner(shared_a), head], name="two")
"""

# The same model with the nested Sequential's layers written inline.
TWO_FLAT = TWO.replace(
    """inner = keras.Sequential(
    [layers.Dense(4, activation="relu", name="i1"), layers.Dense(2, name="i2")], name="inner"
)
""",
    "",
).replace(
    "[inner(shared_a), head]",
    '[layers.Dense(2, name="i2")(layers.Dense(4, activation="relu", name="i1")(shared_a)), head]',
)

CONV = """\
import keras
from keras import layers

img = keras.Input(shape=(None, None, 2), name="img")
x = layers.Conv2D(3, 3, padding="same", name="c")(img)
x = layers.GlobalAveragePooling2D(name="gap")(x)
x = layers.Dense(2, name="out")(x)
model = keras.Model(img, x, name="conv")
"""

CUSTOM = """\
import keras
from keras import layers

from custom_layers import Scale

x = keras.Input(shape=(4,), name="x")
scale = Scale(factor=3.0, name="scale")(x)
d = layers.Dense(2, name="d")(scale)
classifier = keras.Model(x, d, name="custom")
"""

# A fresh run of a generated module, the written weights loaded (a subclassed model is built
# first), against the saved model on the same seeded inputs.
CHECK = """
import runpy, sys, numpy as np, keras
module, saved, weights = sys.argv[1:]
model = runpy.run_path(module)["model"]
original = keras.saving.load_model(saved, compile=False)
rng = np.random.default_rng(11)
arrays = {t.name: rng.normal(size=(2, *t.shape[1:])).astype("float32") for t in original.inputs}
inputs = arrays if len(arrays) > 1 else next(iter(arrays.values()))
model(inputs)
model.load_weights(weights)
got = keras.tree.flatten(model(inputs, training=False))
expected = keras.tree.flatten(original(inputs, training=False))
print(max(float(np.max(np.abs(np.asarray(g) - np.asarray(e)))) for g, e in zip(got, expected)))
"""


def _python(code: str, *args: object, cwd: Path | None = None) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code, *map(str, args)], capture_output=True, text=True, cwd=cwd
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


@pytest.fixture(scope="session")
def saved(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder of the saved models (and of the custom layer's module)."""
    pytest.importorskip("tensorflow")
    folder = tmp_path_factory.mktemp("saved")
    shutil.copy(CUSTOM_LAYERS, folder / "custom_layers.py")
    _python(SAVE, cwd=folder)
    return folder


def _verify(session: VerifySession, saved_file: Path, source: str, **options):
    path = str(saved_file.parent / "generated.py")
    return verify_saved(str(saved_file), source, path=path, session=session, **options)


@pytest.mark.parametrize(
    ("saved_name", "source", "copied", "outputs"),
    [
        ("seq.keras", SEQ, 8, ["output"]),
        ("seq.keras", SEQ_SUBCLASSING, 8, ["output"]),
        ("two.keras", TWO, 8, ["by name: 0", "by name: 1"]),  # its inputs are a dict
        ("two.h5", TWO_FLAT, 8, ["by name: 0", "by name: 1"]),
        ("conv.json", CONV, 4, ["output"]),
    ],
)
def test_generated_module_computes_what_the_saved_model_does(
    saved: Path, verify_session: VerifySession, saved_name, source, copied, outputs
) -> None:
    report = _verify(verify_session, saved / saved_name, source)

    assert isinstance(report, VerifyReport), report
    assert report.equivalent, report.details()
    assert report.copied == copied  # every array of the saved model, once
    assert [output.name for output in report.outputs] == outputs


def test_custom_classes_come_from_the_named_modules(
    saved: Path, verify_session: VerifySession, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(saved)
    options = {"variable": "classifier"}

    unknown = _verify(verify_session, saved / "custom.keras", CUSTOM, **options)
    known = _verify(
        verify_session, saved / "custom.keras", CUSTOM, custom_modules=["custom_layers"], **options
    )

    assert isinstance(unknown, VerifyFailure)
    assert (unknown.kind, unknown.message.split(":")[0]) == ("load", str(saved / "custom.keras"))
    assert isinstance(known, VerifyReport) and known.equivalent, known
    assert known.copied == 3  # Scale's w, Dense's kernel and bias


def test_a_class_registered_in_one_case_is_forgotten_for_the_next(
    saved: Path, verify_session: VerifySession, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Importing ``custom_layers`` registers ``kcgtest>Scale`` with Keras; a later case in the same
    worker that does not name the module must still fail to load the model, as it would alone."""
    monkeypatch.chdir(saved)
    options = {"variable": "classifier"}

    known = _verify(
        verify_session, saved / "custom.keras", CUSTOM, custom_modules=["custom_layers"], **options
    )
    unknown = _verify(verify_session, saved / "custom.keras", CUSTOM, **options)

    assert isinstance(known, VerifyReport) and known.equivalent, known
    assert isinstance(unknown, VerifyFailure) and unknown.kind == "load", unknown


def test_what_the_saved_model_does_not_compute_fails(
    saved: Path, verify_session: VerifySession
) -> None:
    path = str(saved / "generated.py")
    other_activation = SEQ.replace('activation="relu"', 'activation="tanh"')
    missing = SEQ.replace('x = layers.BatchNormalization(name="bn")(x)\n', "")
    raising = SEQ.replace('BatchNormalization(name="bn")(x)', 'BatchNormalization(name="bn")(y)')

    different, unmatched, raised = (
        _verify(verify_session, saved / "seq.keras", source)
        for source in (other_activation, missing, raising)
    )

    assert isinstance(different, VerifyReport) and not different.equivalent
    assert different.outputs[0].problem.startswith("values differ"), different.details()
    assert isinstance(unmatched, VerifyFailure) and unmatched.kind == "correspondence"
    assert unmatched.message.startswith(f"{path}: ")
    assert "layer `bn` (BatchNormalization, weights [(6,), (6,), (6,), (6,)])" in unmatched.message
    assert isinstance(raised, VerifyFailure) and raised.kind == "build"
    assert raised.message.startswith(f"{path}:6:"), raised.message
    assert "NameError" in raised.message


def test_weights_out_loads_into_a_fresh_run(saved: Path, verify_session: VerifySession) -> None:
    written = []
    for name, source in (("two", TWO), ("seq", SEQ_SUBCLASSING)):
        out = saved / f"{name}_generated.weights.h5"
        module = saved / f"{name}_generated.py"
        report = _verify(verify_session, saved / f"{name}.keras", source, weights_out=str(out))
        assert isinstance(report, VerifyReport) and report.equivalent, report
        assert report.weights_written == str(out)
        module.write_text(source)
        written.append((module, saved / f"{name}.keras", out))

    for module, saved_file, out in written:
        assert float(_python(CHECK, module, saved_file, out)) < 1e-5
