"""Two-input subclass: users, items = inputs; list input, residual add, layer reused twice."""

import keras
from keras import layers


users = keras.Input(shape=(10,))
items = keras.Input(shape=(10,))
encode = layers.Dense(16, activation="tanh")
u = encode(users)
v = encode(items)
h = u * v
h = h + layers.Dense(16)(h)  # residual
outputs = layers.Dense(1)(h)
model = keras.Model(inputs=[users, items], outputs=outputs)
