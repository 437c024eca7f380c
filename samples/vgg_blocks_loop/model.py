"""VGG-style feature extractor: a conv-batchnorm helper stacked in a loop, then a small head.

Each stage halves the resolution; the loop and the helper are the whole architecture.
"""

import keras
from keras import layers

STAGE_FILTERS = (16, 32, 64)
HEAD_UNITS = (64, 32)


def conv_bn(x, filters, strides=1):
    x = layers.Conv2D(filters, 3, strides=strides, padding="same", use_bias=False)(x)
    x = layers.BatchNormalization()(x)
    return layers.ReLU()(x)


inputs = keras.Input(shape=(32, 32, 3), name="image")
x = conv_bn(inputs, 8)
for filters in STAGE_FILTERS:
    x = conv_bn(x, filters, strides=2)  # downsample
x = layers.GlobalAveragePooling2D()(x)
for units in HEAD_UNITS:
    x = layers.Dense(units, activation="relu")(x)
    x = layers.Dropout(0.2)(x)
outputs = layers.Dense(10, activation="softmax", name="classes")(x)
model = keras.Model(inputs, outputs, name="vgg_blocks")
