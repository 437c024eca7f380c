"""Two-tower retrieval model: user and item id towers share one Embedding table."""

import keras
from keras import layers, ops


user_ids = keras.Input(shape=(5,))
item_ids = keras.Input(shape=(3,))
embedding = layers.Embedding(500, 16, name="shared_ids")
x = embedding(user_ids)
pool = layers.GlobalAveragePooling1D()
x = pool(x)
u = keras.Sequential([layers.Dense(32, activation="relu"), layers.Dense(16)], name="user_tower")(x)
x = embedding(item_ids)
x = pool(x)
v = keras.Sequential([layers.Dense(32, activation="relu"), layers.Dense(16)], name="item_tower")(x)
outputs = ops.sum(u * v, axis=-1, keepdims=True)
model = keras.Model(inputs=[user_ids, item_ids], outputs=outputs, name="two_tower")
