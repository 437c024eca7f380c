"""Models of the kinds people save, written in the manner of the Keras examples (a BiLSTM text
classifier, transformer encoder blocks, a U-Net, an autoencoder of nested models, a multi-input
multi-output model, masked recurrent models, recorded ``keras.ops`` calls, preprocessing layers,
a registered custom layer, an adapted ``Normalization``): saved, written back as code in every
style that fits (the others refused with a reason), and verified against the saved model with
its own weights. Then what the Functional module says, and that verification notices a change."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kcodegen.saved.convert import convert_saved
from kcodegen.verify import VerifyReport, verify_saved

from .styles import style_problems

pytestmark = pytest.mark.slow

# Run in the models' folder, next to a copy of real_layers.py. Weights are seeded away from their
# initial values (an adapted Normalization keeps its own), so a copy that misses a layer shows.
SAVE = """
import numpy as np, keras
from keras import layers, ops
from real_layers import TokenAndPosition

rng = np.random.default_rng(11)

def save(model, name, *suffixes, seeded=True):
    if seeded:
        weights = model.get_weights()
        model.set_weights([rng.uniform(0.1, 0.5, w.shape).astype(w.dtype) for w in weights])
    for suffix in suffixes:
        model.save(name + suffix)

# A small vocabulary: the seeded inputs hold padding (0) often, so the masks matter.
tokens = keras.Input((20,), dtype="int32", name="tokens")
x = layers.Embedding(8, 16, mask_zero=True, name="embed")(tokens)
x = layers.Bidirectional(layers.LSTM(8, return_sequences=True), name="bilstm")(x)
x = layers.GlobalMaxPooling1D(name="pool")(x)
x = layers.Dropout(0.3)(x)
score = layers.Dense(1, activation="sigmoid", name="score")(x)
save(keras.Model(tokens, score, name="bilstm_text"), "bilstm_text", ".keras")

series = keras.Input((12, 6), name="series")
x = layers.Dense(16, name="project")(series)
for i in range(3):
    y = layers.LayerNormalization(epsilon=1e-6, name=f"enc{i}_ln1")(x)
    y = layers.MultiHeadAttention(num_heads=2, key_dim=8, dropout=0.1, name=f"enc{i}_mha")(
        query=y, value=y, key=y, use_causal_mask=True
    )
    x = layers.Add(name=f"enc{i}_res1")([x, layers.Dropout(0.1, name=f"enc{i}_drop1")(y)])
    y = layers.LayerNormalization(epsilon=1e-6, name=f"enc{i}_ln2")(x)
    y = layers.Dense(32, activation="relu", name=f"enc{i}_ff1")(y)
    y = layers.Dropout(0.1, name=f"enc{i}_drop2")(y)
    x = layers.Add(name=f"enc{i}_res2")([x, layers.Dense(16, name=f"enc{i}_ff2")(y)])
x = layers.GlobalAveragePooling1D(name="gap")(x)
classes = layers.Dense(3, activation="softmax", name="classes")(x)
save(keras.Model(series, classes, name="transformer"), "transformer", ".keras", ".h5")

features, pad = keras.Input((10, 8), name="features"), keras.Input((10,), name="pad_mask")
attention = ops.expand_dims(pad, 1) * ops.expand_dims(pad, 2)
x = features
for i in range(2):
    y = layers.MultiHeadAttention(2, 4, name=f"att{i}")(x, x, attention_mask=attention)
    x = layers.LayerNormalization(name=f"norm{i}")(x + y)
pooled = layers.GlobalMaxPooling1D()(x)
save(keras.Model([features, pad], pooled, name="masked_attention"), "masked_attention", ".keras")

def conv(filters, x):
    return layers.Conv2D(filters, 3, padding="same", activation="relu")(x)

image = keras.Input((32, 32, 3), name="image")
c1 = conv(8, conv(8, image))
c2 = conv(16, conv(16, layers.MaxPooling2D()(c1)))
x = conv(32, layers.MaxPooling2D()(c2))
x = layers.Conv2DTranspose(16, 2, strides=2, padding="same")(x)
x = conv(16, layers.Concatenate()([x, c2]))
x = layers.Conv2DTranspose(8, 2, strides=2, padding="same")(x)
x = conv(8, layers.Concatenate()([x, c1]))
masks = layers.Conv2D(2, 1, activation="softmax")(x)
save(keras.Model(image, masks, name="unet"), "unet", ".keras", ".h5")

given = keras.Input((16, 16, 1))
e = layers.Conv2D(8, 3, strides=2, padding="same", activation="relu")(given)
e = layers.Conv2D(16, 3, strides=2, padding="same", activation="relu")(e)
encoder = keras.Model(given, layers.Dense(6, name="latent")(layers.Flatten()(e)), name="encoder")
code = keras.Input((6,))
d = layers.Reshape((4, 4, 16))(layers.Dense(256, activation="relu")(code))
d = layers.Conv2DTranspose(16, 3, strides=2, padding="same", activation="relu")(d)
d = layers.Conv2DTranspose(8, 3, strides=2, padding="same", activation="relu")(d)
d = layers.Conv2D(1, 3, padding="same", activation="sigmoid")(d)
decoder = keras.Model(code, d, name="decoder")
picture = keras.Input((16, 16, 1), name="picture")
save(keras.Model(picture, decoder(encoder(picture)), name="autoencoder"), "autoencoder", ".keras", ".h5")

category, numeric = keras.Input((1,), dtype="int32", name="category"), keras.Input((4,), name="numeric")
x = layers.Flatten()(layers.Embedding(10, 4, name="category_embedding")(category))
x = layers.Dense(16, activation="relu", name="shared")(layers.Concatenate()([x, numeric]))
outputs = {
    "price": layers.Dense(1, name="price")(x),
    "label": layers.Dense(3, activation="softmax", name="label")(x),
}
save(keras.Model({"category": category, "numeric": numeric}, outputs, name="wide"), "wide", ".keras", ".h5")

steps = keras.Input((10, 6))
x = layers.GRU(12)(layers.TimeDistributed(layers.Dense(8, activation="relu"))(steps))
save(keras.Model(steps, layers.Dense(2)(x), name="td_gru"), "td_gru", ".keras", ".h5")

# A Dense(1, relu) zeroes whole steps about half the time: Masking has something to mask.
steps = keras.Input((6, 3), name="steps")
x = layers.Masking(0.0, name="masking")(layers.Dense(1, activation="relu", name="gate")(steps))
x = layers.LSTM(4, return_sequences=True, name="lstm_a")(x)
x = layers.LSTM(4, name="lstm_b")(layers.Dropout(0.2)(x))
save(keras.Model(steps, layers.Dense(1, name="head")(x), name="masked_lstm"), "masked_lstm", ".keras")

words = keras.Input((9,), dtype="int32", name="words")
x = layers.GRU(5)(layers.Embedding(5, 6, mask_zero=True)(words))
save(keras.Model(words, layers.Dense(2)(x), name="embed_gru"), "embed_gru", ".keras")

sequence, keep = keras.Input((8, 5), name="sequence"), keras.Input((8,), name="keep")
x = layers.Dense(6, activation="tanh", name="encode")(sequence) * ops.expand_dims(keep, -1)
joined = ops.concatenate([x[:, -1, :], ops.mean(x, axis=1)], axis=-1)
save(keras.Model([sequence, keep], layers.Dense(1, name="out")(joined), name="ops_model"), "ops_model", ".keras")

save(keras.Sequential([
    keras.Input((24, 24, 3)),
    layers.Rescaling(1.0 / 255),
    layers.RandomFlip("horizontal"),
    layers.RandomRotation(0.1),
    layers.Conv2D(8, 3, activation="relu"),
    layers.MaxPooling2D(),
    layers.Conv2D(16, 3, activation="relu"),
    layers.MaxPooling2D(),
    layers.Flatten(),
    layers.Dropout(0.5),
    layers.Dense(10, activation="softmax"),
], name="small_cnn"), "small_cnn", ".keras", ".h5")

words = keras.Input((12,), dtype="int32", name="words")
x = layers.GlobalAveragePooling1D()(TokenAndPosition(12, 50, 8, name="embedding")(words))
save(keras.Model(words, layers.Dense(2, name="logits")(x), name="custom_embed"), "custom_embed", ".keras")

adapted = layers.Normalization(name="adapted")
adapted.adapt(rng.normal(3.0, 2.0, size=(64, 5)).astype("float32"))
feats = keras.Input((5,), name="feats")
x = layers.Dense(4, activation="relu")(adapted(feats))
x = layers.Normalization(mean=[0.5, 1.0, 1.5, 2.0], variance=[1.0, 2.0, 3.0, 4.0], name="fixed")(x)
model = keras.Model(feats, layers.Dense(1)(x), name="normalized")
save(model, "normalized", ".keras", ".h5", seeded=False)

one = keras.Input((16, 2))
e = layers.GlobalAveragePooling1D()(layers.Conv1D(8, 3, activation="relu")(one))
tower = keras.Model(one, layers.Dense(4)(e), name="tower")
left, right = keras.Input((16, 2), name="left"), keras.Input((16, 2), name="right")
same = layers.Dense(1, activation="sigmoid", name="same")(ops.abs(tower(left) - tower(right)))
save(keras.Model([left, right], same, name="siamese_conv"), "siamese_conv", ".keras")
"""

ALL = {"functional", "subclassing", "sequential"}
BRANCHED = {"functional", "subclassing"}
# Which styles each model fits; the others must be refused with a reason.
STYLES = {
    "bilstm_text": ALL,  # its mask is Keras's own, so it is a chain
    "transformer": BRANCHED,
    "masked_attention": BRANCHED,
    "unet": BRANCHED,
    "autoencoder": ALL,  # a chain of two models
    "wide": BRANCHED,
    "td_gru": ALL,
    "masked_lstm": ALL,
    "embed_gru": ALL,
    "ops_model": BRANCHED,
    "small_cnn": ALL,
    "custom_embed": ALL,  # its class imported from its module in every style
    "normalized": ALL,
    "siamese_conv": BRANCHED,
}
# Legacy .h5 files cannot hold recorded ops (Keras cannot load them back) nor, here, the class.
H5 = {"transformer", "unet", "autoencoder", "wide", "td_gru", "small_cnn", "normalized"}
FILES = [
    f"{model}{suffix}"
    for model in STYLES
    for suffix in (".keras", ".h5")
    if suffix == ".keras" or model in H5
]
CUSTOM = {"custom_embed": ["real_layers"]}


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    folder = tmp_path_factory.mktemp("real")
    shutil.copy(Path(__file__).with_name("real_layers.py"), folder)
    done = subprocess.run(
        [sys.executable, "-c", SAVE], cwd=folder, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return folder


def _verify(saved: Path, file: str, source: str, session, name: str):
    model = file.split(".")[0]
    return verify_saved(
        str(saved / file),
        source,
        path=str(saved / f"{name}.py"),  # its folder holds real_layers.py
        custom_modules=CUSTOM.get(model, ()),
        session=session,
    )


def test_every_style_that_fits_is_verified_and_the_others_refused(saved, verify_session):
    assert style_problems(saved, FILES, STYLES, verify_session, CUSTOM) == []


def test_the_refusals_say_why(saved):
    def reasons(model: str, style: str) -> str:
        refusals = convert_saved(str(saved / f"{model}.keras"), style).refusals
        return " ".join(reason.message for reason in refusals)

    assert "merges 2 tensors" in reasons("unet", "sequential")
    assert "2 inputs" in reasons("wide", "sequential") and "2 outputs" in reasons(
        "wide", "sequential"
    )
    assert "shared" in reasons("siamese_conv", "sequential")


def test_what_the_functional_modules_say(saved):
    def functional(model: str) -> str:
        """The module on one line per statement's words: a call is found wherever it broke."""
        output = convert_saved(str(saved / f"{model}.keras"), "functional").output
        return re.sub(r"([(\[]) | ([)\]])", r"\1\2", re.sub(r"\s+", " ", output))

    text = functional("bilstm_text")
    # The mask Keras computed and passed along itself, and the training flag it recorded, are
    # left to Keras again; Bidirectional's own setting of its layer too.
    assert "not_equal" not in text and "mask=" not in text and "training=" not in text
    assert "layers.Bidirectional(layers.LSTM(8, return_sequences=True), " in text
    masked = functional("masked_lstm")
    assert "ops." not in masked and "mask=" not in masked
    # Three alike blocks: one helper in a loop; derived arguments left out.
    transformer = functional("transformer")
    assert transformer.count("layers.MultiHeadAttention(") == 1 and "range(0, 3)" in transformer
    assert 'layers.MultiHeadAttention(2, 8, dropout=0.1, name=f"{name}_mha")' in transformer
    assert "use_causal_mask=True" in transformer
    assert "value_dim" not in transformer and "axis=" not in transformer
    unet = functional("unet")
    assert unet.count("layers.Concatenate(") == 2 and 'strides=(2, 2), name="max' not in unet
    autoencoder = functional("autoencoder")
    assert "encoder = keras.Model(" in autoencoder and "decoder = keras.Model(" in autoencoder
    assert "x = encoder(inputs) x = decoder(x) " in autoencoder
    siamese = functional("siamese_conv")
    assert "tower(left)" in siamese and "tower(right)" in siamese and "ops.absolute(" in siamese
    assert "layers.Conv1D(8, 3, " in siamese
    ops_model = functional("ops_model")
    assert "ops.mean(" in ops_model and "keepdims" not in ops_model
    assert "[:, -1, :]" in ops_model and "ops.concatenate([" in ops_model
    assert '{"category": category, "numeric": numeric}' in functional("wide")
    assert "layers.Rescaling(1 / 255, " in functional("small_cnn")
    custom = functional("custom_embed")
    assert "from real_layers import TokenAndPosition" in custom
    assert 'TokenAndPosition(length=12, vocabulary=50, width=8, name="embedding")' in custom
    fixed = "layers.Normalization(mean=[0.5, 1.0, 1.5, 2.0], variance=[1.0, 2.0, 3.0, 4.0], "
    assert fixed in functional("normalized")


@pytest.mark.parametrize(
    ("file", "written", "changed"),
    [
        ("embed_gru.keras", "mask_zero=True", "mask_zero=False"),
        (
            "masked_lstm.keras",
            'layers.Masking(name="masking")',
            'layers.Masking(-1.0, name="masking")',
        ),
        (
            "normalized.h5",
            'Normalization(name="adapted")',
            'Normalization(invert=True, name="adapted")',
        ),
    ],
)
def test_verification_notices_a_change(saved, verify_session, file, written, changed):
    """The masks take part in the outputs (the seeded inputs hold what they mask), and so does
    what the adapted layer computes from its copied state: code without them is not verified."""
    output = convert_saved(str(saved / file), "functional").output
    assert written in output

    outcome = _verify(saved, file, output.replace(written, changed), verify_session, "changed")

    assert not (isinstance(outcome, VerifyReport) and outcome.equivalent)
