"""MLP written as a Sequential over a list comprehension of layers."""

import keras
from keras import layers

hidden_sizes = [128, 64, 32]

class MyModel(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.hidden_128 = layers.Dense(128, activation="relu", name="hidden_128")
        self.hidden_64 = layers.Dense(64, activation="relu", name="hidden_64")
        self.hidden_32 = layers.Dense(32, activation="relu", name="hidden_32")
        self.p = layers.Dense(1, activation="sigmoid", name="p")

    def call(self, inputs):
        x = self.hidden_128(inputs)
        x = self.hidden_64(x)
        x = self.hidden_32(x)
        return self.p(x)


model = MyModel()
model(keras.Input(shape=(100,), name="x"))
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
