"""Functional model using tensor indexing and slicing between layers."""

import keras
from keras import layers

class MyModel(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.conv1d = layers.Conv1D(16, 3, padding="same", activation="relu")
        self.flatten = layers.Flatten()
        self.concatenate = layers.Concatenate()
        self.dense = layers.Dense(2)

    def call(self, seq):
        x = self.conv1d(seq)
        cls = x[:, 0, :]  # first time step as a summary token
        tail = x[:, -4:, :8]  # last four steps, first eight channels
        tail = self.flatten(tail)
        both = self.concatenate([cls, tail])
        return self.dense(both)


model = MyModel()
model(keras.Input(shape=(12, 8), name="seq"))
