"""MobileNetV2-style inverted residual blocks for 64x64 images.

A block adds its input back only when the shapes allow it: stride 1 and as many channels out as in,
which the code reads from the tensor (`x.shape[-1]`), as the Keras applications do.
"""

import keras
from keras import layers

EXPANSION = 4
# (filters, stride) per block
BLOCKS = [(16, 1), (24, 2), (24, 1), (32, 2), (32, 1)]


class InvertedResidual(layers.Layer):
    def __init__(self, filters, stride, **kwargs):
        super().__init__(**kwargs)
        self.filters = filters
        self.stride = stride

    def build(self, input_shape):
        channels = input_shape[-1]
        self.conv2d = layers.Conv2D(channels * EXPANSION, 1, use_bias=False)
        self.batch_normalization = layers.BatchNormalization()
        self.re_lu = layers.ReLU(6.0)
        self.depthwise_conv2d = layers.DepthwiseConv2D(
            3, strides=self.stride, padding="same", use_bias=False
        )
        self.batch_normalization_1 = layers.BatchNormalization()
        self.re_lu_1 = layers.ReLU(6.0)
        self.conv2d_1 = layers.Conv2D(self.filters, 1, use_bias=False)
        self.batch_normalization_2 = layers.BatchNormalization()
        self.add = None
        if self.stride == 1 and channels == self.filters:
            self.add = layers.Add()

    def call(self, x, training=None):
        h = self.conv2d(x)  # expand
        h = self.batch_normalization(h, training=training)
        h = self.re_lu(h)
        h = self.depthwise_conv2d(h)
        h = self.batch_normalization_1(h, training=training)
        h = self.re_lu_1(h)
        h = self.conv2d_1(h)  # project
        h = self.batch_normalization_2(h, training=training)
        if self.add is not None:
            h = self.add([x, h])
        return h


class MobileBlocks(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.conv2d = layers.Conv2D(16, 3, strides=2, padding="same", use_bias=False)
        self.batch_normalization = layers.BatchNormalization()
        self.re_lu = layers.ReLU(6.0)
        self.inverted_residual_layers = [
            InvertedResidual(filters, stride)
            for filters, stride in BLOCKS
        ]
        self.global_average_pooling2d = layers.GlobalAveragePooling2D()
        self.dense = layers.Dense(10, activation="softmax")

    def call(self, inputs, training=None):
        x = self.conv2d(inputs)
        x = self.batch_normalization(x, training=training)
        x = self.re_lu(x)
        for inverted_residual in self.inverted_residual_layers:
            x = inverted_residual(x, training=training)
        x = self.global_average_pooling2d(x)
        return self.dense(x)


model = MobileBlocks(name="mobile_blocks")
model(keras.Input(shape=(64, 64, 3)))
