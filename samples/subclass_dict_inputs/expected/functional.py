"""Recommender scoring model whose call() receives a dict of features."""

import keras
from keras import layers


user_id = keras.Input(shape=(1,), name="user_id")
item_id = keras.Input(shape=(1,), name="item_id")
dense_feats = keras.Input(shape=(6,), name="context")
x = layers.Embedding(100, 8, name="user_embedding")(user_id)
flatten = layers.Flatten()
u = flatten(x)
x = layers.Embedding(50, 8, name="item_embedding")(item_id)
i = flatten(x)
x = layers.concatenate([u, i, dense_feats])
deep = layers.Dense(16, activation="relu")(x)
wide = layers.Dense(1)(dense_feats)
x = deep + wide
outputs = layers.Dense(1, activation="sigmoid")(x)
model = keras.Model(
    inputs={"user_id": user_id, "item_id": item_id, "context": dense_feats}, outputs=outputs
)
