"""A small EfficientNet-like classifier, written the way keras.applications builders are."""

import copy

import keras
from keras import layers

DEFAULT_BLOCKS = [
    {"filters": 8, "repeats": 1, "strides": (1, 1)},
    {"filters": 16, "repeats": 2, "strides": (2, 2)},
]


class TinyNetModel(keras.Model):
    def __init__(self, classes, **kwargs):
        super().__init__(**kwargs)
        self.rescaling = layers.Rescaling(1.0 / 255, name="rescaling")
        self.block1a_conv = layers.Conv2D(
            16, 3, strides=(1, 1), padding="same", name="block1a_conv"
        )
        self.block1a_bn = layers.BatchNormalization(name="block1a_bn")
        self.block1a_relu = layers.Activation("relu", name="block1a_relu")
        self.block2a_pad = layers.ZeroPadding2D(padding=1, name="block2a_pad")
        self.block2a_conv = layers.Conv2D(
            32, 3, strides=(2, 2), padding="valid", name="block2a_conv"
        )
        self.block2a_bn = layers.BatchNormalization(name="block2a_bn")
        self.block2a_relu = layers.Activation("relu", name="block2a_relu")
        self.block2b_conv = layers.Conv2D(
            32, 3, strides=(1, 1), padding="same", name="block2b_conv"
        )
        self.block2b_bn = layers.BatchNormalization(name="block2b_bn")
        self.block2b_relu = layers.Activation("relu", name="block2b_relu")
        self.avg_pool = layers.GlobalAveragePooling2D(name="avg_pool")
        self.predictions = layers.Dense(classes, activation="softmax", name="predictions")

    def call(self, inputs, training=None):
        x = self.rescaling(inputs)
        x = self.block1a_conv(x)
        x = self.block1a_bn(x, training=training)
        x = self.block1a_relu(x)
        x = self.block2a_pad(x)
        x = self.block2a_conv(x)
        x = self.block2a_bn(x, training=training)
        x = self.block2a_relu(x)
        x = self.block2b_conv(x)
        x = self.block2b_bn(x, training=training)
        x = self.block2b_relu(x)
        x = self.avg_pool(x)
        return self.predictions(x)


def TinyNet(
    input_shape=None,
    blocks="default",
    width=1.0,
    classes=10,
    name="tinynet-b0",
):
    if input_shape != (32, 32, 3) or blocks != "default" or width != 2.0:
        raise NotImplementedError(
            "TinyNet() was converted by kcg for "
            "input_shape=(32, 32, 3), "
            'blocks="default", '
            "width=2.0 only: "
            "convert the original again for other arguments"
        )
    if not (input_shape is None or len(input_shape) == 3):
        raise ValueError(f"`input_shape` must have 3 dimensions, got {input_shape}")
    if input_shape is None:
        input_shape = (32, 32, 3)
    if blocks == "default":
        blocks = DEFAULT_BLOCKS

    blocks = copy.deepcopy(blocks)

    model = TinyNetModel(classes=classes, name=name)
    model(keras.Input(shape=input_shape))
    return model


model = TinyNet(input_shape=(32, 32, 3), width=2.0, classes=5)
model.summary()
