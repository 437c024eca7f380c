"""A VGG-like classifier builder in the manner of keras.applications."""

import os

import keras
from keras import layers


def check_activation(activation, weights):
    if weights is not None and activation not in {"softmax", None}:
        raise ValueError(f"Only softmax works with pretrained weights, got {activation}")


def SmallVGG(
    include_top=True,
    weights=None,
    input_shape=(32, 32, 3),
    pooling=None,
    classes=10,
    classifier_activation="softmax",
):
    if include_top is not True or pooling is not None:
        raise NotImplementedError(
            "SmallVGG() was converted by kcg for "
            "include_top=True, "
            "pooling=None only: "
            "convert the original again for other arguments"
        )
    if not (weights is None or os.path.exists(weights)):
        raise ValueError(f"`weights` must be None or the path to a weights file, got {weights}")

    if include_top:
        check_activation(classifier_activation, weights)

    model = keras.Sequential(
        [
            keras.Input(shape=input_shape),
            layers.Conv2D(16, 3, activation="relu", padding="same", name="block1_conv1"),
            layers.MaxPooling2D(name="block1_pool"),
            layers.Conv2D(32, 3, activation="relu", padding="same", name="block2_conv1"),
            layers.MaxPooling2D(name="block2_pool"),
            layers.Flatten(name="flatten"),
            layers.Dense(64, activation="relu", name="fc1"),
            layers.Dense(classes, activation=classifier_activation, name="predictions"),
        ],
        name="small_vgg",
    )

    if weights is not None:
        model.load_weights(weights)
    return model


model = SmallVGG(classes=5)
