"""MLP written as a Sequential over a list comprehension of layers."""

import keras
from keras import layers

hidden_sizes = [128, 64, 32]

model = keras.Sequential(
    [keras.Input(shape=(100,), name="x")]
    + [layers.Dense(n, activation="relu", name=f"hidden_{n}") for n in hidden_sizes]
    + [layers.Dense(1, activation="sigmoid", name="p")]
)
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
