"""A small EfficientNet-like classifier, written the way keras.applications builders are."""

import copy

import keras
from keras import layers

DEFAULT_BLOCKS = [
    {"filters": 8, "repeats": 1, "strides": (1, 1)},
    {"filters": 16, "repeats": 2, "strides": (2, 2)},
]


def TinyNet(
    input_shape=None,
    blocks="default",
    width=1.0,
    classes=10,
    name="tinynet-b0",
):
    if blocks != "default" or width != 2.0:
        raise NotImplementedError(
            "TinyNet() was converted by kcg for "
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

    return keras.Sequential(
        [
            keras.Input(shape=input_shape),
            layers.Rescaling(1.0 / 255, name="rescaling"),
            layers.Conv2D(16, 3, strides=(1, 1), padding="same", name="block1a_conv"),
            layers.BatchNormalization(name="block1a_bn"),
            layers.Activation("relu", name="block1a_relu"),
            layers.ZeroPadding2D(padding=1, name="block2a_pad"),
            layers.Conv2D(32, 3, strides=(2, 2), padding="valid", name="block2a_conv"),
            layers.BatchNormalization(name="block2a_bn"),
            layers.Activation("relu", name="block2a_relu"),
            layers.Conv2D(32, 3, strides=(1, 1), padding="same", name="block2b_conv"),
            layers.BatchNormalization(name="block2b_bn"),
            layers.Activation("relu", name="block2b_relu"),
            layers.GlobalAveragePooling2D(name="avg_pool"),
            layers.Dense(classes, activation="softmax", name="predictions"),
        ],
        name=name,
    )


model = TinyNet(input_shape=(32, 32, 3), width=2.0, classes=5)
model.summary()
