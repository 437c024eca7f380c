"""MLP written as a Sequential over a list comprehension of layers."""

import keras
from keras import layers

hidden_sizes = [128, 64, 32]

inputs = keras.Input(shape=(100,), name="x")
x = layers.Dense(128, activation="relu", name="hidden_128")(inputs)
x = layers.Dense(64, activation="relu", name="hidden_64")(x)
x = layers.Dense(32, activation="relu", name="hidden_32")(x)
outputs = layers.Dense(1, activation="sigmoid", name="p")(x)
model = keras.Model(inputs=inputs, outputs=outputs)
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
