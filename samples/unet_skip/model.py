"""Small U-Net for 32x32 segmentation with skip connections."""

import keras
from keras import layers


def double_conv(x, filters, name):
    x = layers.Conv2D(filters, 3, padding="same", activation="relu", name=f"{name}_conv1")(x)
    x = layers.Conv2D(filters, 3, padding="same", activation="relu", name=f"{name}_conv2")(x)
    return x


def build_unet(input_shape=(32, 32, 1), num_classes=2, base_filters=8):
    inputs = keras.Input(shape=input_shape, name="image")

    # Encoder: remember each resolution's features for the skips
    skips = []
    x = inputs
    for level in range(3):
        x = double_conv(x, base_filters * 2**level, name=f"down{level}")
        skips.append(x)
        x = layers.MaxPooling2D(name=f"pool{level}")(x)

    x = double_conv(x, base_filters * 8, name="bottleneck")

    # Decoder: upsample and concatenate the matching skip
    for level in reversed(range(3)):
        x = layers.Conv2DTranspose(base_filters * 2**level, 2, strides=2, padding="same")(x)
        x = layers.Concatenate()([x, skips[level]])
        x = double_conv(x, base_filters * 2**level, name=f"up{level}")

    outputs = layers.Conv2D(num_classes, 1, activation="softmax", name="mask")(x)
    return keras.Model(inputs, outputs, name="unet")


model = build_unet()
