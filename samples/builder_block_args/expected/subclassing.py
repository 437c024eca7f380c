"""A small EfficientNet-like classifier, written the way keras.applications builders are."""

import copy

import keras
from keras import layers

DEFAULT_BLOCKS = [
    {"filters": 8, "repeats": 1, "strides": (1, 1)},
    {"filters": 16, "repeats": 2, "strides": (2, 2)},
]


class ConvBlock(layers.Layer):
    def __init__(self, filters, strides, name, **kwargs):
        super().__init__(name=name, **kwargs)
        padding = "valid" if strides == (2, 2) else "same"
        self.zero_padding2d = None
        if strides == (2, 2):
            self.zero_padding2d = layers.ZeroPadding2D(padding=1, name=f"{name}_pad")
        self.conv2d = layers.Conv2D(
            filters, 3, strides=strides, padding=padding, name=f"{name}_conv"
        )
        self.batch_normalization = layers.BatchNormalization(name=f"{name}_bn")
        self.activation = layers.Activation("relu", name=f"{name}_relu")

    def call(self, x, training=None):
        if self.zero_padding2d is not None:
            x = self.zero_padding2d(x)
        x = self.conv2d(x)
        x = self.batch_normalization(x, training=training)
        return self.activation(x)


class TinyNetModel(keras.Model):
    def __init__(self, classes, **kwargs):
        super().__init__(**kwargs)
        self.rescaling = layers.Rescaling(1.0 / 255, name="rescaling")
        self.block1a = ConvBlock(16, (1, 1), name="block1a")
        self.block2a = ConvBlock(32, (2, 2), name="block2a")
        self.block2b = ConvBlock(32, (1, 1), name="block2b")
        self.avg_pool = layers.GlobalAveragePooling2D(name="avg_pool")
        self.predictions = layers.Dense(classes, activation="softmax", name="predictions")

    def call(self, inputs, training=None):
        x = self.rescaling(inputs)
        x = self.block1a(x, training=training)
        x = self.block2a(x, training=training)
        x = self.block2b(x, training=training)
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
