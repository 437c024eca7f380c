"""Small U-Net for 32x32 segmentation with skip connections."""

import keras
from keras import layers


def double_conv(x, filters, name):
    x = layers.Conv2D(filters, 3, padding="same", activation="relu", name=f"{name}_conv1")(x)
    x = layers.Conv2D(filters, 3, padding="same", activation="relu", name=f"{name}_conv2")(x)
    return x


class Unet(keras.Model):
    def __init__(self, num_classes, **kwargs):
        super().__init__(**kwargs)
        self.down0_conv1 = layers.Conv2D(
            8, 3, padding="same", activation="relu", name="down0_conv1"
        )
        self.down0_conv2 = layers.Conv2D(
            8, 3, padding="same", activation="relu", name="down0_conv2"
        )
        self.pool0 = layers.MaxPooling2D(name="pool0")
        self.down1_conv1 = layers.Conv2D(
            16, 3, padding="same", activation="relu", name="down1_conv1"
        )
        self.down1_conv2 = layers.Conv2D(
            16, 3, padding="same", activation="relu", name="down1_conv2"
        )
        self.pool1 = layers.MaxPooling2D(name="pool1")
        self.down2_conv1 = layers.Conv2D(
            32, 3, padding="same", activation="relu", name="down2_conv1"
        )
        self.down2_conv2 = layers.Conv2D(
            32, 3, padding="same", activation="relu", name="down2_conv2"
        )
        self.pool2 = layers.MaxPooling2D(name="pool2")
        self.bottleneck_conv1 = layers.Conv2D(
            64, 3, padding="same", activation="relu", name="bottleneck_conv1"
        )
        self.bottleneck_conv2 = layers.Conv2D(
            64, 3, padding="same", activation="relu", name="bottleneck_conv2"
        )
        self.conv2d_transpose = layers.Conv2DTranspose(32, 2, strides=2, padding="same")
        self.concatenate = layers.Concatenate()
        self.up2_conv1 = layers.Conv2D(32, 3, padding="same", activation="relu", name="up2_conv1")
        self.up2_conv2 = layers.Conv2D(32, 3, padding="same", activation="relu", name="up2_conv2")
        self.conv2d_transpose_1 = layers.Conv2DTranspose(16, 2, strides=2, padding="same")
        self.concatenate_1 = layers.Concatenate()
        self.up1_conv1 = layers.Conv2D(16, 3, padding="same", activation="relu", name="up1_conv1")
        self.up1_conv2 = layers.Conv2D(16, 3, padding="same", activation="relu", name="up1_conv2")
        self.conv2d_transpose_2 = layers.Conv2DTranspose(8, 2, strides=2, padding="same")
        self.concatenate_2 = layers.Concatenate()
        self.up0_conv1 = layers.Conv2D(8, 3, padding="same", activation="relu", name="up0_conv1")
        self.up0_conv2 = layers.Conv2D(8, 3, padding="same", activation="relu", name="up0_conv2")
        self.mask = layers.Conv2D(num_classes, 1, activation="softmax", name="mask")

    def call(self, inputs):
        x = self.down0_conv1(inputs)
        x = self.down0_conv2(x)
        x_1 = self.pool0(x)
        x_1 = self.down1_conv1(x_1)
        x_1 = self.down1_conv2(x_1)
        x_2 = self.pool1(x_1)
        x_2 = self.down2_conv1(x_2)
        x_2 = self.down2_conv2(x_2)
        x_3 = self.pool2(x_2)
        x_3 = self.bottleneck_conv1(x_3)
        x_3 = self.bottleneck_conv2(x_3)
        # Decoder: upsample and concatenate the matching skip
        x_3 = self.conv2d_transpose(x_3)
        x_2 = self.concatenate([x_3, x_2])
        x_2 = self.up2_conv1(x_2)
        x_2 = self.up2_conv2(x_2)
        x_2 = self.conv2d_transpose_1(x_2)
        x_1 = self.concatenate_1([x_2, x_1])
        x_1 = self.up1_conv1(x_1)
        x_1 = self.up1_conv2(x_1)
        x_1 = self.conv2d_transpose_2(x_1)
        x = self.concatenate_2([x_1, x])
        x = self.up0_conv1(x)
        x = self.up0_conv2(x)
        return self.mask(x)


def build_unet(input_shape=(32, 32, 1), num_classes=2, base_filters=8):
    return Unet(num_classes=num_classes, name="unet")


model = build_unet()
