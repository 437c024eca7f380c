"""A small ResNet for 32x32 images: two stages of two residual blocks each.

The first block of each stage after the first halves the resolution; a 1x1 projection shortcut is
used only where the block changes the shape, which the code finds out from the tensor's shape.
"""

import keras
from keras import layers

NUM_CLASSES = 10
STAGES = (16, 32)  # filters per stage
BLOCKS_PER_STAGE = 2


def conv_bn(x, filters, kernel_size=3, strides=1):
    x = layers.Conv2D(filters, kernel_size, strides=strides, padding="same", use_bias=False)(x)
    return layers.BatchNormalization()(x)


def residual_block(x, filters, stride=1):
    shortcut = x
    y = conv_bn(x, filters, strides=stride)
    y = layers.ReLU()(y)
    y = conv_bn(y, filters)
    if stride != 1 or x.shape[-1] != filters:
        shortcut = conv_bn(x, filters, kernel_size=1, strides=stride)  # projection shortcut
    return layers.ReLU()(layers.Add()([y, shortcut]))


class ConvBn(layers.Layer):
    def __init__(self, filters, kernel_size=3, strides=1, **kwargs):
        super().__init__(**kwargs)
        self.conv2d = layers.Conv2D(
            filters, kernel_size, strides=strides, padding="same", use_bias=False
        )
        self.batch_normalization = layers.BatchNormalization()

    def call(self, x, training=None):
        x = self.conv2d(x)
        return self.batch_normalization(x, training=training)


class ResnetStages(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.conv_bn = ConvBn(STAGES[0])
        self.re_lu = layers.ReLU()
        self.conv_bn_1 = ConvBn(16, strides=1)
        self.re_lu_1 = layers.ReLU()
        self.conv_bn_2 = ConvBn(16)
        self.add = layers.Add()
        self.re_lu_2 = layers.ReLU()
        self.conv_bn_3 = ConvBn(16, strides=1)
        self.re_lu_3 = layers.ReLU()
        self.conv_bn_4 = ConvBn(16)
        self.add_1 = layers.Add()
        self.re_lu_4 = layers.ReLU()
        self.conv_bn_5 = ConvBn(32, strides=2)
        self.re_lu_5 = layers.ReLU()
        self.conv_bn_6 = ConvBn(32)
        self.conv_bn_7 = ConvBn(32, kernel_size=1, strides=2)
        self.add_2 = layers.Add()
        self.re_lu_6 = layers.ReLU()
        self.conv_bn_8 = ConvBn(32, strides=1)
        self.re_lu_7 = layers.ReLU()
        self.conv_bn_9 = ConvBn(32)
        self.add_3 = layers.Add()
        self.re_lu_8 = layers.ReLU()
        self.global_average_pooling2d = layers.GlobalAveragePooling2D()
        self.logits = layers.Dense(NUM_CLASSES, name="logits")

    def call(self, inputs, training=None):
        x = self.conv_bn(inputs, training=training)
        x = self.re_lu(x)
        y = self.conv_bn_1(x, training=training)
        y = self.re_lu_1(y)
        y = self.conv_bn_2(y, training=training)
        x = self.add([y, x])
        x = self.re_lu_2(x)
        y = self.conv_bn_3(x, training=training)
        y = self.re_lu_3(y)
        y = self.conv_bn_4(y, training=training)
        x = self.add_1([y, x])
        x = self.re_lu_4(x)
        y = self.conv_bn_5(x, training=training)
        y = self.re_lu_5(y)
        y = self.conv_bn_6(y, training=training)
        shortcut = self.conv_bn_7(x, training=training)  # projection shortcut
        x = self.add_2([y, shortcut])
        x = self.re_lu_6(x)
        y = self.conv_bn_8(x, training=training)
        y = self.re_lu_7(y)
        y = self.conv_bn_9(y, training=training)
        x = self.add_3([y, x])
        x = self.re_lu_8(x)
        x = self.global_average_pooling2d(x)
        return self.logits(x)


model = ResnetStages(name="resnet_stages")
model(keras.Input(shape=(32, 32, 3), name="image"))

if __name__ == "__main__":
    model.summary()
