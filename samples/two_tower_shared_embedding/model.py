"""Two-tower retrieval model: user and item id towers share one Embedding table."""

import keras
from keras import layers, ops


class TwoTower(keras.Model):
    def __init__(self, vocab=500, dim=16, **kwargs):
        super().__init__(**kwargs)
        self.embedding = layers.Embedding(vocab, dim, name="shared_ids")
        self.user_tower = keras.Sequential([layers.Dense(32, activation="relu"), layers.Dense(dim)], name="user_tower")
        self.item_tower = keras.Sequential([layers.Dense(32, activation="relu"), layers.Dense(dim)], name="item_tower")
        self.pool = layers.GlobalAveragePooling1D()

    def call(self, inputs):
        user_ids, item_ids = inputs
        u = self.user_tower(self.pool(self.embedding(user_ids)))
        v = self.item_tower(self.pool(self.embedding(item_ids)))
        return ops.sum(u * v, axis=-1, keepdims=True)  # dot-product score


model = TwoTower(name="two_tower")
model.build([(None, 5), (None, 3)])
