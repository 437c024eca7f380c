"""Subclass whose only shape information is input_shape= on its first layer."""

import keras
from keras import layers


class Net(keras.Model):
    def __init__(self):
        super().__init__()
        self.d1 = layers.Dense(32, activation="relu", input_shape=(9,))
        self.d2 = layers.Dense(2)

    def call(self, x):
        return self.d2(self.d1(x))


model = Net()
