"""VGG-style feature extractor: a conv-batchnorm helper stacked in a loop, then a small head.

Each stage halves the resolution; the loop and the helper are the whole architecture.
"""

import keras
from keras import layers

STAGE_FILTERS = (16, 32, 64)
HEAD_UNITS = (64, 32)


class ConvBn(layers.Layer):
    def __init__(self, filters, strides=1, **kwargs):
        super().__init__(**kwargs)
        self.conv2d = layers.Conv2D(filters, 3, strides=strides, padding="same", use_bias=False)
        self.batch_normalization = layers.BatchNormalization()
        self.re_lu = layers.ReLU()

    def call(self, x, training=None):
        x = self.conv2d(x)
        x = self.batch_normalization(x, training=training)
        return self.re_lu(x)


class VggBlocks(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.conv_bn = ConvBn(8)
        self.conv_bn_layers = [ConvBn(filters, strides=2) for filters in STAGE_FILTERS]
        self.global_average_pooling2d = layers.GlobalAveragePooling2D()
        self.dense_blocks = [
            (layers.Dense(units, activation="relu"), layers.Dropout(0.2))
            for units in HEAD_UNITS
        ]
        self.classes = layers.Dense(10, activation="softmax", name="classes")

    def call(self, inputs, training=None):
        x = self.conv_bn(inputs, training=training)
        for conv_bn in self.conv_bn_layers:
            x = conv_bn(x, training=training)  # downsample
        x = self.global_average_pooling2d(x)
        for dense, dropout in self.dense_blocks:
            x = dense(x)
            x = dropout(x, training=training)
        return self.classes(x)


model = VggBlocks(name="vgg_blocks")
model(keras.Input(shape=(32, 32, 3), name="image"))
