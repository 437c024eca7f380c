"""MobileNetV2-style inverted residual blocks for 64x64 images.

A block adds its input back only when the shapes allow it: stride 1 and as many channels out as in,
which the code reads from the tensor (`x.shape[-1]`), as the Keras applications do.
"""

import keras
from keras import layers

EXPANSION = 4
# (filters, stride) per block
BLOCKS = [(16, 1), (24, 2), (24, 1), (32, 2), (32, 1)]


def inverted_residual(x, filters, stride):
    channels = x.shape[-1]
    h = layers.Conv2D(channels * EXPANSION, 1, use_bias=False)(x)  # expand
    h = layers.BatchNormalization()(h)
    h = layers.ReLU(6.0)(h)
    h = layers.DepthwiseConv2D(3, strides=stride, padding="same", use_bias=False)(h)
    h = layers.BatchNormalization()(h)
    h = layers.ReLU(6.0)(h)
    h = layers.Conv2D(filters, 1, use_bias=False)(h)  # project
    h = layers.BatchNormalization()(h)
    if stride == 1 and channels == filters:
        return layers.Add()([x, h])
    return h


inputs = keras.Input(shape=(64, 64, 3))
x = layers.Conv2D(16, 3, strides=2, padding="same", use_bias=False)(inputs)
x = layers.BatchNormalization()(x)
x = layers.ReLU(6.0)(x)
for filters, stride in BLOCKS:
    x = inverted_residual(x, filters, stride)
x = layers.GlobalAveragePooling2D()(x)
outputs = layers.Dense(10, activation="softmax")(x)
model = keras.Model(inputs, outputs, name="mobile_blocks")
