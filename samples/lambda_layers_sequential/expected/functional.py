"""Sequential model with Lambda layers for preprocessing steps."""

import keras
from keras import layers, ops

inputs = keras.Input(shape=(16, 16, 3))
x = layers.Lambda(lambda t: t / 255.0, name="scale")(inputs)
x = layers.Conv2D(8, 3, activation="relu")(x)
x = layers.Lambda(lambda t: ops.mean(t, axis=[1, 2]), name="gap")(x)
outputs = layers.Dense(4)(x)
model = keras.Model(inputs=inputs, outputs=outputs)
