"""Subclass model built by calling it on a dummy batch."""

import tensorflow as tf
import keras
from keras import layers


model = keras.Sequential(
    [
        keras.Input(shape=(7,)),
        layers.Dense(16, activation="relu"),
        layers.Dense(8, activation="relu"),
        layers.Dense(1),
    ]
)
_ = model(tf.zeros((2, 7)))  # build the weights
model.compile(optimizer="adam", loss="mse")
