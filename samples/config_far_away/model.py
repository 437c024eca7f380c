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
    model = keras.Sequential(name="configured")
    model.add(keras.Input(shape=(cfg["input_dim"],)))
    for units in cfg["hidden"]:
        model.add(layers.Dense(units, activation=ACTIVATION))
        model.add(layers.Dropout(cfg["dropout"]))
    model.add(layers.Dense(cfg["num_classes"], activation="softmax"))
    return model


model = build_model()
