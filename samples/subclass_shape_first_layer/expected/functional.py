"""Subclass whose only shape information is input_shape= on its first layer."""

import keras
from keras import layers


x = keras.Input(shape=(9,))
x_1 = layers.Dense(32, activation="relu")(x)
outputs = layers.Dense(2)(x_1)
model = keras.Model(inputs=x, outputs=outputs)
