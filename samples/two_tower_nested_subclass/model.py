"""Two-tower scoring model: one Tower sub-model embeds both the user and the item features."""

import keras
from keras import layers


class Tower(keras.Model):
    def __init__(self, units=16):
        super().__init__()
        self.hidden = layers.Dense(units, activation="relu")
        self.embedding = layers.Dense(8)

    def call(self, features):
        return self.embedding(self.hidden(features))


class TwoTower(keras.Model):
    def __init__(self):
        super().__init__()
        self.tower = Tower()
        self.score = layers.Dense(1)

    def call(self, inputs):
        user, item = inputs
        u = self.tower(user)
        v = self.tower(item)  # shared: one set of tower weights
        return self.score(layers.concatenate([u, v]))


model = TwoTower()
model.build([(None, 12), (None, 12)])
