"""Subclassed MLP keeping its hidden blocks in a Python list, with a reused layer and dropout."""

import keras
from keras import layers


x = keras.Input(shape=(20,))
x_1 = layers.Dense(32)(x)
x_2 = layers.Dense(32, activation="relu", name="block_0")(x_1)
x_1 = x_1 + x_2
norm = layers.LayerNormalization()
x_1 = norm(x_1)
x_2 = layers.Dense(32, activation="relu", name="block_1")(x_1)
x_1 = x_1 + x_2
x_1 = norm(x_1)
x_2 = layers.Dense(32, activation="relu", name="block_2")(x_1)
x_1 = x_1 + x_2
x_1 = norm(x_1)
x_1 = layers.Dropout(0.3)(x_1)
outputs = layers.Dense(5)(x_1)
model = keras.Model(inputs=x, outputs=outputs)
