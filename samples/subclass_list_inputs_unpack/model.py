"""Two-input subclass: users, items = inputs; list input, residual add, layer reused twice."""

import keras
from keras import layers


class PairScorer(keras.Model):
    def __init__(self, hidden=16):
        super().__init__()
        self.encode = layers.Dense(hidden, activation="tanh")  # shared encoder layer
        self.mix = layers.Dense(hidden)
        self.score = layers.Dense(1)

    def call(self, inputs):
        users, items = inputs
        u = self.encode(users)
        v = self.encode(items)
        h = u * v
        h = h + self.mix(h)  # residual
        return self.score(h)


model = PairScorer()
model.build([(None, 10), (None, 10)])
