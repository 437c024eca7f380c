"""Subclass model built by calling it on a dummy batch."""

import tensorflow as tf
import keras
from keras import layers


class Regressor(keras.Model):
    def __init__(self):
        super().__init__()
        self.hidden1 = layers.Dense(16, activation="relu")
        self.hidden2 = layers.Dense(8, activation="relu")
        self.out = layers.Dense(1)

    def call(self, x):
        return self.out(self.hidden2(self.hidden1(x)))


model = Regressor()
_ = model(tf.zeros((2, 7)))  # build the weights
model.compile(optimizer="adam", loss="mse")
