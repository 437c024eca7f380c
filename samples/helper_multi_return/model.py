"""Two-branch feature extractor: the helper returns two tensors (a pooled and a full branch)."""

import keras
from keras import layers


def split_block(x, units, dropout_rate=0.1):
    """Returns (features, gate) computed from the same input."""
    h = layers.Dense(units, activation="relu")(x)
    h = layers.Dropout(dropout_rate)(h)
    gate = layers.Dense(units, activation="sigmoid")(x)
    return h, gate


def gated(x, units):
    h, g = split_block(x, units)
    return layers.Multiply()([h, g])


features = keras.Input(shape=(20,), name="features")
a, b = split_block(features, 32)
merged = layers.Concatenate(name="merge")([a, b])
x = gated(merged, 16)
x = gated(x, units=16)
out = layers.Dense(1, name="score")(x)
model = keras.Model(inputs=features, outputs=out)
