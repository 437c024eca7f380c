"""A small isotropic CNN in the ConvNeXt manner: the stem and the downsampling steps are
Sequential models kept in a list, and the stages index into it."""

import keras
from keras import layers

WIDTHS = [16, 32, 48]
DEPTHS = [1, 2, 1]


def build_net(num_classes=10, name="net"):
    inputs = keras.Input(shape=(32, 32, 3))
    x = inputs

    # The stem patchifies the image.
    stem = keras.Sequential(
        [
            layers.Conv2D(WIDTHS[0], kernel_size=4, strides=4, name=f"{name}_stem_conv"),
            layers.LayerNormalization(epsilon=1e-6, name=f"{name}_stem_norm"),
        ],
        name=f"{name}_stem",
    )
    downsamplers = []
    downsamplers.append(stem)
    for i in range(len(WIDTHS) - 1):
        downsamplers.append(
            keras.Sequential(
                [
                    layers.LayerNormalization(epsilon=1e-6, name=f"{name}_down_norm_{i}"),
                    layers.Conv2D(WIDTHS[i + 1], kernel_size=2, strides=2, name=f"{name}_down_{i}"),
                ],
                name=f"{name}_down_{i}",
            )
        )

    for i in range(len(WIDTHS)):
        x = downsamplers[i](x)
        for j in range(DEPTHS[i]):
            y = layers.Conv2D(WIDTHS[i], 3, padding="same", activation="gelu")(x)
            x = layers.Add(name=f"{name}_stage_{i}_add_{j}")([x, y])

    x = layers.GlobalAveragePooling2D()(x)
    outputs = layers.Dense(num_classes, activation="softmax", name=f"{name}_head")(x)
    return keras.Model(inputs, outputs, name=name)


model = build_net()
model.summary()
