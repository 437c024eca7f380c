"""Small U-Net for 32x32 segmentation with skip connections."""

import keras
from keras import layers


class DoubleConv(layers.Layer):
    def __init__(self, filters, name, **kwargs):
        super().__init__(name=name, **kwargs)
        self.conv2d = layers.Conv2D(
            filters, 3, padding="same", activation="relu", name=f"{name}_conv1"
        )
        self.conv2d_1 = layers.Conv2D(
            filters, 3, padding="same", activation="relu", name=f"{name}_conv2"
        )

    def call(self, x):
        x = self.conv2d(x)
        return self.conv2d_1(x)


class Unet(keras.Model):
    def __init__(self, num_classes, **kwargs):
        super().__init__(**kwargs)
        self.down0 = DoubleConv(8, name="down0")
        self.pool0 = layers.MaxPooling2D(name="pool0")
        self.down1 = DoubleConv(16, name="down1")
        self.pool1 = layers.MaxPooling2D(name="pool1")
        self.down2 = DoubleConv(32, name="down2")
        self.pool2 = layers.MaxPooling2D(name="pool2")
        self.bottleneck = DoubleConv(64, name="bottleneck")
        self.conv2d_transpose = layers.Conv2DTranspose(32, 2, strides=2, padding="same")
        self.concatenate = layers.Concatenate()
        self.up2 = DoubleConv(32, name="up2")
        self.conv2d_transpose_1 = layers.Conv2DTranspose(16, 2, strides=2, padding="same")
        self.concatenate_1 = layers.Concatenate()
        self.up1 = DoubleConv(16, name="up1")
        self.conv2d_transpose_2 = layers.Conv2DTranspose(8, 2, strides=2, padding="same")
        self.concatenate_2 = layers.Concatenate()
        self.up0 = DoubleConv(8, name="up0")
        self.mask = layers.Conv2D(num_classes, 1, activation="softmax", name="mask")

    def call(self, inputs):
        x = self.down0(inputs)
        x_1 = self.pool0(x)
        x_1 = self.down1(x_1)
        x_2 = self.pool1(x_1)
        x_2 = self.down2(x_2)
        x_3 = self.pool2(x_2)
        x_3 = self.bottleneck(x_3)
        # Decoder: upsample and concatenate the matching skip
        x_3 = self.conv2d_transpose(x_3)
        x_2 = self.concatenate([x_3, x_2])
        x_2 = self.up2(x_2)
        x_2 = self.conv2d_transpose_1(x_2)
        x_1 = self.concatenate_1([x_2, x_1])
        x_1 = self.up1(x_1)
        x_1 = self.conv2d_transpose_2(x_1)
        x = self.concatenate_2([x_1, x])
        x = self.up0(x)
        return self.mask(x)


def build_unet(input_shape=(32, 32, 1), num_classes=2, base_filters=8):
    if input_shape != (32, 32, 1) or base_filters != 8:
        raise NotImplementedError(
            "build_unet() was converted by kcg for "
            "input_shape=(32, 32, 1), "
            "base_filters=8 only: "
            "convert the original again for other arguments"
        )
    model = Unet(num_classes=num_classes, name="unet")
    model(keras.Input(shape=input_shape, name="image"))
    return model


model = build_unet()
