"""Sequential model whose sizes come from a config dict and a constant defined at the top."""

import keras
from keras import layers

CONFIG = {
    "input_dim": 12,
    "hidden": [48, 24],
    "dropout": 0.1,
    "num_classes": 7,
}
ACTIVATION = "relu"


def build_model(cfg=CONFIG):
    inputs = keras.Input(shape=(cfg["input_dim"],))
    x = inputs
    for units in cfg["hidden"]:
        x = layers.Dense(units, activation=ACTIVATION)(x)
        x = layers.Dropout(cfg["dropout"])(x)
    outputs = layers.Dense(cfg["num_classes"], activation="softmax")(x)
    model = keras.Model(inputs=inputs, outputs=outputs, name="configured")
    return model


model = build_model()
