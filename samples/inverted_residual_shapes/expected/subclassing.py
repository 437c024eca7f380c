"""MobileNetV2-style inverted residual blocks for 64x64 images.

A block adds its input back only when the shapes allow it: stride 1 and as many channels out as in,
which the code reads from the tensor (`x.shape[-1]`), as the Keras applications do.
"""

import keras
from keras import layers

EXPANSION = 4
# (filters, stride) per block
BLOCKS = [(16, 1), (24, 2), (24, 1), (32, 2), (32, 1)]


class MobileBlocks(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.conv2d = layers.Conv2D(16, 3, strides=2, padding="same", use_bias=False)
        self.batch_normalization = layers.BatchNormalization()
        self.re_lu = layers.ReLU(6.0)
        self.conv2d_1 = layers.Conv2D(16 * EXPANSION, 1, use_bias=False)
        self.batch_normalization_1 = layers.BatchNormalization()
        self.re_lu_1 = layers.ReLU(6.0)
        self.depthwise_conv2d = layers.DepthwiseConv2D(
            3, strides=1, padding="same", use_bias=False
        )
        self.batch_normalization_2 = layers.BatchNormalization()
        self.re_lu_2 = layers.ReLU(6.0)
        self.conv2d_2 = layers.Conv2D(16, 1, use_bias=False)
        self.batch_normalization_3 = layers.BatchNormalization()
        self.add = layers.Add()
        self.conv2d_3 = layers.Conv2D(16 * EXPANSION, 1, use_bias=False)
        self.batch_normalization_4 = layers.BatchNormalization()
        self.re_lu_3 = layers.ReLU(6.0)
        self.depthwise_conv2d_1 = layers.DepthwiseConv2D(
            3, strides=2, padding="same", use_bias=False
        )
        self.batch_normalization_5 = layers.BatchNormalization()
        self.re_lu_4 = layers.ReLU(6.0)
        self.conv2d_4 = layers.Conv2D(24, 1, use_bias=False)
        self.batch_normalization_6 = layers.BatchNormalization()
        self.conv2d_5 = layers.Conv2D(24 * EXPANSION, 1, use_bias=False)
        self.batch_normalization_7 = layers.BatchNormalization()
        self.re_lu_5 = layers.ReLU(6.0)
        self.depthwise_conv2d_2 = layers.DepthwiseConv2D(
            3, strides=1, padding="same", use_bias=False
        )
        self.batch_normalization_8 = layers.BatchNormalization()
        self.re_lu_6 = layers.ReLU(6.0)
        self.conv2d_6 = layers.Conv2D(24, 1, use_bias=False)
        self.batch_normalization_9 = layers.BatchNormalization()
        self.add_1 = layers.Add()
        self.conv2d_7 = layers.Conv2D(24 * EXPANSION, 1, use_bias=False)
        self.batch_normalization_10 = layers.BatchNormalization()
        self.re_lu_7 = layers.ReLU(6.0)
        self.depthwise_conv2d_3 = layers.DepthwiseConv2D(
            3, strides=2, padding="same", use_bias=False
        )
        self.batch_normalization_11 = layers.BatchNormalization()
        self.re_lu_8 = layers.ReLU(6.0)
        self.conv2d_8 = layers.Conv2D(32, 1, use_bias=False)
        self.batch_normalization_12 = layers.BatchNormalization()
        self.conv2d_9 = layers.Conv2D(32 * EXPANSION, 1, use_bias=False)
        self.batch_normalization_13 = layers.BatchNormalization()
        self.re_lu_9 = layers.ReLU(6.0)
        self.depthwise_conv2d_4 = layers.DepthwiseConv2D(
            3, strides=1, padding="same", use_bias=False
        )
        self.batch_normalization_14 = layers.BatchNormalization()
        self.re_lu_10 = layers.ReLU(6.0)
        self.conv2d_10 = layers.Conv2D(32, 1, use_bias=False)
        self.batch_normalization_15 = layers.BatchNormalization()
        self.add_2 = layers.Add()
        self.global_average_pooling2d = layers.GlobalAveragePooling2D()
        self.dense = layers.Dense(10, activation="softmax")

    def call(self, inputs, training=None):
        x = self.conv2d(inputs)
        x = self.batch_normalization(x, training=training)
        x = self.re_lu(x)
        h = self.conv2d_1(x)
        h = self.batch_normalization_1(h, training=training)
        h = self.re_lu_1(h)
        h = self.depthwise_conv2d(h)
        h = self.batch_normalization_2(h, training=training)
        h = self.re_lu_2(h)
        h = self.conv2d_2(h)
        h = self.batch_normalization_3(h, training=training)
        x = self.add([x, h])
        h = self.conv2d_3(x)
        h = self.batch_normalization_4(h, training=training)
        h = self.re_lu_3(h)
        h = self.depthwise_conv2d_1(h)
        h = self.batch_normalization_5(h, training=training)
        h = self.re_lu_4(h)
        h = self.conv2d_4(h)
        h = self.batch_normalization_6(h, training=training)
        h_1 = self.conv2d_5(h)
        h_1 = self.batch_normalization_7(h_1, training=training)
        h_1 = self.re_lu_5(h_1)
        h_1 = self.depthwise_conv2d_2(h_1)
        h_1 = self.batch_normalization_8(h_1, training=training)
        h_1 = self.re_lu_6(h_1)
        h_1 = self.conv2d_6(h_1)
        h_1 = self.batch_normalization_9(h_1, training=training)
        x = self.add_1([h, h_1])
        h = self.conv2d_7(x)
        h = self.batch_normalization_10(h, training=training)
        h = self.re_lu_7(h)
        h = self.depthwise_conv2d_3(h)
        h = self.batch_normalization_11(h, training=training)
        h = self.re_lu_8(h)
        h = self.conv2d_8(h)
        h = self.batch_normalization_12(h, training=training)
        h_1 = self.conv2d_9(h)
        h_1 = self.batch_normalization_13(h_1, training=training)
        h_1 = self.re_lu_9(h_1)
        h_1 = self.depthwise_conv2d_4(h_1)
        h_1 = self.batch_normalization_14(h_1, training=training)
        h_1 = self.re_lu_10(h_1)
        h_1 = self.conv2d_10(h_1)
        h_1 = self.batch_normalization_15(h_1, training=training)
        x = self.add_2([h, h_1])
        x = self.global_average_pooling2d(x)
        return self.dense(x)


model = MobileBlocks(name="mobile_blocks")
model(keras.Input(shape=(64, 64, 3)))
