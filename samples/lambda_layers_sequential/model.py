"""Sequential model with Lambda layers for preprocessing steps."""

import keras
from keras import layers, ops

model = keras.Sequential(
    [
        keras.Input(shape=(16, 16, 3)),
        layers.Lambda(lambda t: t / 255.0, name="scale"),
        layers.Conv2D(8, 3, activation="relu"),
        layers.Lambda(lambda t: ops.mean(t, axis=[1, 2]), name="gap"),
        layers.Dense(4),
    ]
)
