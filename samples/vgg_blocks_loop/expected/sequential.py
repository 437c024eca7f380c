"""VGG-style feature extractor: a conv-batchnorm helper stacked in a loop, then a small head.

Each stage halves the resolution; the loop and the helper are the whole architecture.
"""

import keras
from keras import layers

STAGE_FILTERS = (16, 32, 64)
HEAD_UNITS = (64, 32)


model = keras.Sequential(
    [
        keras.Input(shape=(32, 32, 3), name="image"),
        layers.Conv2D(8, 3, strides=1, padding="same", use_bias=False),
        layers.BatchNormalization(),
        layers.ReLU(),
        layers.Conv2D(16, 3, strides=2, padding="same", use_bias=False),
        layers.BatchNormalization(),
        layers.ReLU(),
        layers.Conv2D(32, 3, strides=2, padding="same", use_bias=False),
        layers.BatchNormalization(),
        layers.ReLU(),
        layers.Conv2D(64, 3, strides=2, padding="same", use_bias=False),
        layers.BatchNormalization(),
        layers.ReLU(),
        layers.GlobalAveragePooling2D(),
        layers.Dense(64, activation="relu"),
        layers.Dropout(0.2),
        layers.Dense(32, activation="relu"),
        layers.Dropout(0.2),
        layers.Dense(10, activation="softmax", name="classes"),
    ],
    name="vgg_blocks",
)
