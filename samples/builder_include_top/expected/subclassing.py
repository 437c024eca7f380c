"""A VGG-like classifier builder in the manner of keras.applications."""

import os

import keras
from keras import layers


def check_activation(activation, weights):
    if weights is not None and activation not in {"softmax", None}:
        raise ValueError(f"Only softmax works with pretrained weights, got {activation}")


class SmallVgg(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.block1_conv1 = layers.Conv2D(
            16, 3, activation="relu", padding="same", name="block1_conv1"
        )
        self.block1_pool = layers.MaxPooling2D(name="block1_pool")
        self.block2_conv1 = layers.Conv2D(
            32, 3, activation="relu", padding="same", name="block2_conv1"
        )
        self.block2_pool = layers.MaxPooling2D(name="block2_pool")
        self.flatten = layers.Flatten(name="flatten")
        self.fc1 = layers.Dense(64, activation="relu", name="fc1")
        self.predictions = layers.Dense(5, activation="softmax", name="predictions")

    def call(self, inputs):
        x = self.block1_conv1(inputs)
        x = self.block1_pool(x)
        x = self.block2_conv1(x)
        x = self.block2_pool(x)
        x = self.flatten(x)
        x = self.fc1(x)
        return self.predictions(x)


def SmallVGG(
    include_top=True,
    weights=None,
    input_shape=(32, 32, 3),
    pooling=None,
    classes=10,
    classifier_activation="softmax",
):
    if (
        include_top is not True
        or input_shape != (32, 32, 3)
        or pooling is not None
        or classes != 5
        or classifier_activation != "softmax"
    ):
        raise NotImplementedError(
            "SmallVGG() was converted by kcg for "
            "include_top=True, "
            "input_shape=(32, 32, 3), "
            "pooling=None, "
            "classes=5, "
            'classifier_activation="softmax" only: '
            "convert the original again for other arguments"
        )
    if not (weights is None or os.path.exists(weights)):
        raise ValueError(f"`weights` must be None or the path to a weights file, got {weights}")

    if include_top:
        check_activation(classifier_activation, weights)

    model = SmallVgg(name="small_vgg")
    model(keras.Input(shape=input_shape))

    if weights is not None:
        model.load_weights(weights)
    return model


model = SmallVGG(classes=5)
