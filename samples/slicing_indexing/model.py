"""Functional model using tensor indexing and slicing between layers."""

import keras
from keras import layers

seq = keras.Input(shape=(12, 8), name="seq")
x = layers.Conv1D(16, 3, padding="same", activation="relu")(seq)
cls = x[:, 0, :]          # first time step as a summary token
tail = x[:, -4:, :8]      # last four steps, first eight channels
tail = layers.Flatten()(tail)
both = layers.Concatenate()([cls, tail])
out = layers.Dense(2)(both)
model = keras.Model(seq, out)
