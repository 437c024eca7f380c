"""A small EfficientNet-like classifier, written the way keras.applications builders are."""

import copy

import keras
from keras import layers

DEFAULT_BLOCKS = [
    {"filters": 8, "repeats": 1, "strides": (1, 1)},
    {"filters": 16, "repeats": 2, "strides": (2, 2)},
]


def conv_block(x, filters, strides, name):
    if strides == (2, 2):
        x = layers.ZeroPadding2D(padding=1, name=f"{name}_pad")(x)
        padding = "valid"
    else:
        padding = "same"
    x = layers.Conv2D(filters, 3, strides=strides, padding=padding, name=f"{name}_conv")(x)
    x = layers.BatchNormalization(name=f"{name}_bn")(x)
    return layers.Activation("relu", name=f"{name}_relu")(x)


def TinyNet(
    input_shape=None,
    blocks="default",
    width=1.0,
    classes=10,
    name="tinynet-b0",
):
    if not (input_shape is None or len(input_shape) == 3):
        raise ValueError(f"`input_shape` must have 3 dimensions, got {input_shape}")
    if input_shape is None:
        input_shape = (32, 32, 3)
    if blocks == "default":
        blocks = DEFAULT_BLOCKS

    inputs = keras.Input(shape=input_shape)
    x = inputs
    if name.split("-")[-1].startswith("b"):
        x = layers.Rescaling(1.0 / 255, name="rescaling")(x)

    blocks = copy.deepcopy(blocks)
    for i, args in enumerate(blocks):
        args["filters"] = int(args["filters"] * width)
        for j in range(args["repeats"]):
            strides = args["strides"] if j == 0 else (1, 1)
            x = conv_block(x, args["filters"], strides, name=f"block{i + 1}{chr(97 + j)}")

    x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
    outputs = layers.Dense(classes, activation="softmax", name="predictions")(x)
    return keras.Model(inputs, outputs, name=name)


model = TinyNet(input_shape=(32, 32, 3), width=2.0, classes=5)
model.summary()
