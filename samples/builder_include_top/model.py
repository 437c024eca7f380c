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
    if not (weights is None or os.path.exists(weights)):
        raise ValueError(f"`weights` must be None or the path to a weights file, got {weights}")

    inputs = keras.Input(shape=input_shape)
    x = layers.Conv2D(16, 3, activation="relu", padding="same", name="block1_conv1")(inputs)
    x = layers.MaxPooling2D(name="block1_pool")(x)
    x = layers.Conv2D(32, 3, activation="relu", padding="same", name="block2_conv1")(x)
    x = layers.MaxPooling2D(name="block2_pool")(x)

    if include_top:
        x = layers.Flatten(name="flatten")(x)
        x = layers.Dense(64, activation="relu", name="fc1")(x)

        check_activation(classifier_activation, weights)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    else:
        if pooling == "avg":
            x = layers.GlobalAveragePooling2D()(x)
        elif pooling == "max":
            x = layers.GlobalMaxPooling2D()(x)

    model = keras.Model(inputs, x, name="small_vgg")

    if weights is not None:
        model.load_weights(weights)
    return model


model = SmallVGG(classes=5)
