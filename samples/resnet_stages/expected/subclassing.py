"""A small ResNet for 32x32 images: two stages of two residual blocks each.

The first block of each stage after the first halves the resolution; a 1x1 projection shortcut is
used only where the block changes the shape, which the code finds out from the tensor's shape.
"""

import keras
from keras import layers

NUM_CLASSES = 10
STAGES = (16, 32)  # filters per stage
BLOCKS_PER_STAGE = 2


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


class ResidualBlock(layers.Layer):
    def __init__(self, filters, stride=1, **kwargs):
        super().__init__(**kwargs)
        self.filters = filters
        self.stride = stride
        self.conv_bn = ConvBn(filters, strides=stride)
        self.re_lu = layers.ReLU()
        self.conv_bn_1 = ConvBn(filters)
        self.add = layers.Add()
        self.re_lu_1 = layers.ReLU()

    def build(self, input_shape):
        self.shortcut = None
        if self.stride != 1 or input_shape[-1] != self.filters:
            self.shortcut = ConvBn(self.filters, kernel_size=1, strides=self.stride)

    def call(self, x, training=None):
        y = self.conv_bn(x, training=training)
        y = self.re_lu(y)
        y = self.conv_bn_1(y, training=training)
        shortcut = x
        if self.shortcut is not None:
            shortcut = self.shortcut(x, training=training)  # projection shortcut
        x = self.add([y, shortcut])
        return self.re_lu_1(x)


class ResnetStages(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.conv_bn = ConvBn(STAGES[0])
        self.re_lu = layers.ReLU()
        self.residual_block = ResidualBlock(16, 1)
        self.residual_block_1 = ResidualBlock(16, 1)
        self.residual_block_2 = ResidualBlock(32, 2)
        self.residual_block_3 = ResidualBlock(32, 1)
        self.global_average_pooling2d = layers.GlobalAveragePooling2D()
        self.logits = layers.Dense(NUM_CLASSES, name="logits")

    def call(self, inputs, training=None):
        x = self.conv_bn(inputs, training=training)
        x = self.re_lu(x)
        x = self.residual_block(x, training=training)
        x = self.residual_block_1(x, training=training)
        x = self.residual_block_2(x, training=training)
        x = self.residual_block_3(x, training=training)
        x = self.global_average_pooling2d(x)
        return self.logits(x)


model = ResnetStages(name="resnet_stages")
model(keras.Input(shape=(32, 32, 3), name="image"))

if __name__ == "__main__":
    model.summary()
