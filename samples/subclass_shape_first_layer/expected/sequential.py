"""Subclass whose only shape information is input_shape= on its first layer."""

import keras
from keras import layers


model = keras.Sequential(
    [
        keras.Input(shape=(9,)),
        layers.Dense(32, activation="relu"),
        layers.Dense(2),
    ]
)
