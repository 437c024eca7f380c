"""Residual middle-flow blocks in the Xception manner: each pass of the loop computes a prefix
for its layer names and a dropout rate, and reads the channel axis the builder chose."""

import keras
from keras import layers


def build_model(num_classes=10):
    channel_axis = -1
    inputs = keras.Input(shape=(16, 16, 8))
    x = layers.Conv2D(32, 3, padding="same", name="entry_conv")(inputs)

    for i in range(3):
        residual = x
        prefix = f"block{i + 1}"
        rate = 0.1 * (i + 1)

        x = layers.Activation("relu", name=f"{prefix}_act")(x)
        x = layers.SeparableConv2D(
            32, 3, padding="same", use_bias=False, name=f"{prefix}_sepconv"
        )(x)
        x = layers.BatchNormalization(axis=channel_axis, name=f"{prefix}_bn")(x)
        x = layers.Dropout(rate, name=f"{prefix}_drop")(x)
        x = layers.add([x, residual])

    x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
    outputs = layers.Dense(num_classes, activation="softmax", name="predictions")(x)
    return keras.Model(inputs, outputs, name="middle_flow")


model = build_model()
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
