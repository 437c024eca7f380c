"""Subclassed MLP keeping its hidden blocks in a Python list, with a reused layer and dropout."""

import keras
from keras import layers


inputs = keras.Input(shape=(20,))
x = layers.Dense(32)(inputs)
norm = layers.LayerNormalization()
blocks = [
    layers.Dense(32, activation="relu", name="block_0"),
    layers.Dense(32, activation="relu", name="block_1"),
    layers.Dense(32, activation="relu", name="block_2"),
]
for block in blocks:
    x = x + block(x)  # residual
    x = norm(x)
x = layers.Dropout(0.3)(x)
outputs = layers.Dense(5)(x)
model = keras.Model(inputs=inputs, outputs=outputs)
