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


class ResnetStages(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.conv2d = layers.Conv2D(16, 3, strides=1, padding="same", use_bias=False)
        self.batch_normalization = layers.BatchNormalization()
        self.re_lu = layers.ReLU()
        self.conv2d_1 = layers.Conv2D(16, 3, strides=1, padding="same", use_bias=False)
        self.batch_normalization_1 = layers.BatchNormalization()
        self.re_lu_1 = layers.ReLU()
        self.conv2d_2 = layers.Conv2D(16, 3, strides=1, padding="same", use_bias=False)
        self.batch_normalization_2 = layers.BatchNormalization()
        self.add = layers.Add()
        self.re_lu_2 = layers.ReLU()
        self.conv2d_3 = layers.Conv2D(16, 3, strides=1, padding="same", use_bias=False)
        self.batch_normalization_3 = layers.BatchNormalization()
        self.re_lu_3 = layers.ReLU()
        self.conv2d_4 = layers.Conv2D(16, 3, strides=1, padding="same", use_bias=False)
        self.batch_normalization_4 = layers.BatchNormalization()
        self.add_1 = layers.Add()
        self.re_lu_4 = layers.ReLU()
        self.conv2d_5 = layers.Conv2D(32, 3, strides=2, padding="same", use_bias=False)
        self.batch_normalization_5 = layers.BatchNormalization()
        self.re_lu_5 = layers.ReLU()
        self.conv2d_6 = layers.Conv2D(32, 3, strides=1, padding="same", use_bias=False)
        self.conv2d_7 = layers.Conv2D(32, 1, strides=2, padding="same", use_bias=False)
        self.batch_normalization_6 = layers.BatchNormalization()
        self.batch_normalization_7 = layers.BatchNormalization()
        self.add_2 = layers.Add()
        self.re_lu_6 = layers.ReLU()
        self.conv2d_8 = layers.Conv2D(32, 3, strides=1, padding="same", use_bias=False)
        self.batch_normalization_8 = layers.BatchNormalization()
        self.re_lu_7 = layers.ReLU()
        self.conv2d_9 = layers.Conv2D(32, 3, strides=1, padding="same", use_bias=False)
        self.batch_normalization_9 = layers.BatchNormalization()
        self.add_3 = layers.Add()
        self.re_lu_8 = layers.ReLU()
        self.global_average_pooling2d = layers.GlobalAveragePooling2D()
        self.logits = layers.Dense(NUM_CLASSES, name="logits")

    def call(self, inputs, training=None):
        x = self.conv2d(inputs)
        x = self.batch_normalization(x, training=training)
        x = self.re_lu(x)
        x_1 = self.conv2d_1(x)
        y = self.batch_normalization_1(x_1, training=training)
        y = self.re_lu_1(y)
        x_1 = self.conv2d_2(y)
        y = self.batch_normalization_2(x_1, training=training)
        x = self.add([y, x])
        x = self.re_lu_2(x)
        x_1 = self.conv2d_3(x)
        y = self.batch_normalization_3(x_1, training=training)
        y = self.re_lu_3(y)
        x_1 = self.conv2d_4(y)
        y = self.batch_normalization_4(x_1, training=training)
        x = self.add_1([y, x])
        x = self.re_lu_4(x)
        x_1 = self.conv2d_5(x)
        y = self.batch_normalization_5(x_1, training=training)
        y = self.re_lu_5(y)
        x_1 = self.conv2d_6(y)
        y = self.batch_normalization_6(x_1, training=training)
        x = self.conv2d_7(x)
        shortcut = self.batch_normalization_7(x, training=training)
        x = self.add_2([y, shortcut])
        x = self.re_lu_6(x)
        x_1 = self.conv2d_8(x)
        y = self.batch_normalization_8(x_1, training=training)
        y = self.re_lu_7(y)
        x_1 = self.conv2d_9(y)
        y = self.batch_normalization_9(x_1, training=training)
        x = self.add_3([y, x])
        x = self.re_lu_8(x)
        x = self.global_average_pooling2d(x)
        return self.logits(x)


model = ResnetStages(name="resnet_stages")
model(keras.Input(shape=(32, 32, 3), name="image"))

if __name__ == "__main__":
    model.summary()
