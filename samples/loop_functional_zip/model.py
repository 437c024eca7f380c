"""Functional 1-D CNN whose conv stack is driven by zipped hyperparameter lists."""

import keras
from keras import layers

filters = (16, 32, 32)
kernels = (7, 5, 3)
dilations = [1, 2, 4]

seq = keras.Input(shape=(64, 4), name="sequence")
x = seq
for i, (f, k, d) in enumerate(zip(filters, kernels, dilations)):
    x = layers.Conv1D(f, k, dilation_rate=d, padding="causal", activation="relu", name=f"conv_{i}")(x)
    x = layers.LayerNormalization(name=f"ln_{i}")(x)
x = layers.GlobalMaxPooling1D()(x)
for units in [32, 16]:
    x = layers.Dense(units, activation="gelu")(x)
logits = layers.Dense(2, name="logits")(x)
model = keras.Model(seq, logits, name="dilated_cnn")
