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


user = keras.Input(shape=(12,))
item = keras.Input(shape=(12,))
tower = Tower()
u = tower(user)
v = tower(item)  # shared: one set of tower weights
x = layers.concatenate([u, v])
outputs = layers.Dense(1)(x)
model = keras.Model(inputs=[user, item], outputs=outputs)
