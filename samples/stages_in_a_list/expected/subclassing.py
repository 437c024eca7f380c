"""A small isotropic CNN in the ConvNeXt manner: the stem and the downsampling steps are
Sequential models kept in a list, and the stages index into it."""

import keras
from keras import layers

WIDTHS = [16, 32, 48]
DEPTHS = [1, 2, 1]


class Net(keras.Model):
    def __init__(self, num_classes, name, **kwargs):
        super().__init__(name=name, **kwargs)
        self.net_stem = keras.Sequential(
            [
                layers.Conv2D(WIDTHS[0], kernel_size=4, strides=4, name="net_stem_conv"),
                layers.LayerNormalization(epsilon=1e-6, name="net_stem_norm"),
            ],
            name="net_stem",
        )
        self.conv2d = layers.Conv2D(WIDTHS[0], 3, padding="same", activation="gelu")
        self.net_stage_0_add_0 = layers.Add(name=f"{name}_stage_{0}_add_{0}")
        self.net_down_0 = keras.Sequential(
            [
                layers.LayerNormalization(epsilon=1e-6, name="net_down_norm_0"),
                layers.Conv2D(WIDTHS[1], kernel_size=2, strides=2, name="net_down_0"),
            ],
            name="net_down_0",
        )
        self.conv2d_1 = layers.Conv2D(WIDTHS[1], 3, padding="same", activation="gelu")
        self.net_stage_1_add_0 = layers.Add(name=f"{name}_stage_{1}_add_{0}")
        self.conv2d_2 = layers.Conv2D(WIDTHS[1], 3, padding="same", activation="gelu")
        self.net_stage_1_add_1 = layers.Add(name=f"{name}_stage_{1}_add_{1}")
        self.net_down_1 = keras.Sequential(
            [
                layers.LayerNormalization(epsilon=1e-6, name="net_down_norm_1"),
                layers.Conv2D(WIDTHS[2], kernel_size=2, strides=2, name="net_down_1"),
            ],
            name="net_down_1",
        )
        self.conv2d_3 = layers.Conv2D(WIDTHS[2], 3, padding="same", activation="gelu")
        self.net_stage_2_add_0 = layers.Add(name=f"{name}_stage_{2}_add_{0}")
        self.global_average_pooling2d = layers.GlobalAveragePooling2D()
        self.net_head = layers.Dense(num_classes, activation="softmax", name=f"{name}_head")

    def call(self, inputs):
        x = self.net_stem(inputs)
        y = self.conv2d(x)
        x = self.net_stage_0_add_0([x, y])
        x = self.net_down_0(x)
        y = self.conv2d_1(x)
        x = self.net_stage_1_add_0([x, y])
        y = self.conv2d_2(x)
        x = self.net_stage_1_add_1([x, y])
        x = self.net_down_1(x)
        y = self.conv2d_3(x)
        x = self.net_stage_2_add_0([x, y])
        x = self.global_average_pooling2d(x)
        return self.net_head(x)


def build_net(num_classes=10, name="net"):
    if name != "net":
        raise NotImplementedError(
            "build_net() was converted by kcg for "
            'name="net" only: '
            "convert the original again for other arguments"
        )
    model = Net(num_classes=num_classes, name=name)
    model(keras.Input(shape=(32, 32, 3)))
    return model


model = build_net()
model.summary()
