"""Downsample until the feature map is small: a while loop on a static shape."""

import keras
from keras import layers

inputs = keras.Input(shape=(32, 32, 3))
x = layers.Conv2D(8, 3, padding="same", activation="relu")(inputs)
filters = 8
while x.shape[1] > 4:
    filters *= 2
    x = layers.Conv2D(filters, 3, strides=2, padding="same", activation="relu")(x)
x = layers.GlobalAveragePooling2D()(x)
outputs = layers.Dense(10)(x)
model = keras.Model(inputs, outputs)
