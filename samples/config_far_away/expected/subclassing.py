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


class Configured(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.dense = layers.Dense(48, activation=ACTIVATION)
        self.dropout = layers.Dropout(CONFIG["dropout"])
        self.dense_1 = layers.Dense(24, activation=ACTIVATION)
        self.dropout_1 = layers.Dropout(CONFIG["dropout"])
        self.dense_2 = layers.Dense(CONFIG["num_classes"], activation="softmax")

    def call(self, inputs, training=None):
        x = self.dense(inputs)
        x = self.dropout(x, training=training)
        x = self.dense_1(x)
        x = self.dropout_1(x, training=training)
        return self.dense_2(x)


def build_model(cfg=CONFIG):
    if (
        cfg != {'input_dim': 12, 'hidden': [48, 24], 'dropout': 0.1, 'num_classes': 7}
    ):
        raise NotImplementedError(
            "build_model() was converted by kcg for "
            "cfg={'input_dim': 12, 'hidden': [48, 24], 'dropout': 0.1, 'num_classes': 7} only: "
            "convert the original again for other arguments"
        )
    model = Configured(name="configured")
    model(keras.Input(shape=(cfg["input_dim"],)))
    return model


model = build_model()
