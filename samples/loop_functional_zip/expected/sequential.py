"""Functional 1-D CNN whose conv stack is driven by zipped hyperparameter lists."""

import keras
from keras import layers

filters = (16, 32, 32)
kernels = (7, 5, 3)
dilations = [1, 2, 4]

model = keras.Sequential(
    [
        keras.Input(shape=(64, 4), name="sequence"),
        layers.Conv1D(16, 7, dilation_rate=1, padding="causal", activation="relu", name="conv_0"),
        layers.LayerNormalization(name="ln_0"),
        layers.Conv1D(32, 5, dilation_rate=2, padding="causal", activation="relu", name="conv_1"),
        layers.LayerNormalization(name="ln_1"),
        layers.Conv1D(32, 3, dilation_rate=4, padding="causal", activation="relu", name="conv_2"),
        layers.LayerNormalization(name="ln_2"),
        layers.GlobalMaxPooling1D(),
        *[layers.Dense(units, activation="gelu") for units in [32, 16]],
        layers.Dense(2, name="logits"),
    ],
    name="dilated_cnn",
)
