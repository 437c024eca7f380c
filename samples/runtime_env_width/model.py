"""Sequential classifier configured through environment variables."""

import os

import keras
from keras import layers

WIDTH = int(os.environ.get("MODEL_WIDTH", "64"))
USE_BN = os.environ.get("USE_BN", "1") == "1"

model = keras.Sequential()
model.add(keras.Input(shape=(30,)))
model.add(layers.Dense(WIDTH, activation="relu"))
if USE_BN:
    model.add(layers.BatchNormalization())
model.add(layers.Dense(4, activation="softmax"))
