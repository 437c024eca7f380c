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


inputs = keras.Input(shape=(32, 32, 3), name="image")
x = conv_bn(inputs, STAGES[0])
x = layers.ReLU()(x)
for stage, filters in enumerate(STAGES):
    for block in range(BLOCKS_PER_STAGE):
        stride = 2 if stage > 0 and block == 0 else 1
        x = residual_block(x, filters, stride)
x = layers.GlobalAveragePooling2D()(x)
outputs = layers.Dense(NUM_CLASSES, name="logits")(x)
model = keras.Model(inputs, outputs, name="resnet_stages")

if __name__ == "__main__":
    model.summary()
