"""Subclassed model whose call() branches on a tensor value (data-dependent control flow)."""

import keras
from keras import layers, ops


class AdaptiveNet(keras.Model):
    def __init__(self):
        super().__init__()
        self.small = layers.Dense(8, activation="relu")
        self.large = layers.Dense(8, activation="tanh")
        self.out = layers.Dense(1)

    def call(self, x):
        # choose a branch depending on the mean activation of the batch
        if ops.mean(x) > 0:
            h = self.small(x)
        else:
            h = self.large(x)
        return self.out(h)


model = AdaptiveNet()
model.build((None, 10))
