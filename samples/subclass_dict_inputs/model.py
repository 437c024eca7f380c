"""Recommender scoring model whose call() receives a dict of features."""

import keras
from keras import layers


class WideAndDeep(keras.Model):
    def __init__(self, num_users=100, num_items=50, dim=8):
        super().__init__()
        self.user_emb = layers.Embedding(num_users, dim, name="user_embedding")
        self.item_emb = layers.Embedding(num_items, dim, name="item_embedding")
        self.flatten = layers.Flatten()
        self.deep = layers.Dense(16, activation="relu")
        self.wide = layers.Dense(1)
        self.out = layers.Dense(1, activation="sigmoid")

    def call(self, inputs, training=False):
        u = self.flatten(self.user_emb(inputs["user_id"]))
        i = self.flatten(self.item_emb(inputs["item_id"]))
        dense_feats = inputs["context"]
        deep = self.deep(layers.concatenate([u, i, dense_feats]))
        wide = self.wide(dense_feats)
        return self.out(deep + wide)


model = WideAndDeep()
model.build({"user_id": (None, 1), "item_id": (None, 1), "context": (None, 6)})
