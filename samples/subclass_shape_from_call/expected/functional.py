"""Subclass model built by calling it on a dummy batch."""

import tensorflow as tf
import keras
from keras import layers


x = keras.Input(shape=(7,))
x_1 = layers.Dense(16, activation="relu")(x)
x_1 = layers.Dense(8, activation="relu")(x_1)
outputs = layers.Dense(1)(x_1)
model = keras.Model(inputs=x, outputs=outputs)
_ = model(tf.zeros((2, 7)))  # build the weights
model.compile(optimizer="adam", loss="mse")
