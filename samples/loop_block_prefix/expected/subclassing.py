"""Residual middle-flow blocks in the Xception manner: each pass of the loop computes a prefix
for its layer names and a dropout rate, and reads the channel axis the builder chose."""

import keras
from keras import layers


class MiddleFlow(keras.Model):
    def __init__(self, num_classes, **kwargs):
        super().__init__(**kwargs)
        self.entry_conv = layers.Conv2D(32, 3, padding="same", name="entry_conv")
        self.activation_blocks = []
        for i in range(3):
            prefix = f"block{i + 1}"
            rate = 0.1 * (i + 1)
            self.activation_blocks.append((
                layers.Activation("relu", name=f"{prefix}_act"),
                layers.SeparableConv2D(
                    32, 3, padding="same", use_bias=False, name=f"{prefix}_sepconv"
                ),
                layers.BatchNormalization(axis=-1, name=f"{prefix}_bn"),
                layers.Dropout(rate, name=f"{prefix}_drop"),
                layers.Add(),
            ))
        self.avg_pool = layers.GlobalAveragePooling2D(name="avg_pool")
        self.predictions = layers.Dense(num_classes, activation="softmax", name="predictions")

    def call(self, inputs, training=None):
        x = self.entry_conv(inputs)
        for (
            activation,
            separable_conv2d,
            batch_normalization,
            dropout,
            add,
        ) in self.activation_blocks:
            x_1 = activation(x)
            x_1 = separable_conv2d(x_1)
            x_1 = batch_normalization(x_1, training=training)
            x_1 = dropout(x_1, training=training)
            x = add([x_1, x])
        x = self.avg_pool(x)
        return self.predictions(x)


def build_model(num_classes=10):
    channel_axis = -1
    model = MiddleFlow(num_classes=num_classes, name="middle_flow")
    model(keras.Input(shape=(16, 16, 8)))
    return model


model = build_model()
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
