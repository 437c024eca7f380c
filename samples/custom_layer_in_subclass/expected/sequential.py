"""Subclassed classifier stacking a custom residual MLP block several times."""

import keras
from keras import layers


class ResidualMLP(layers.Layer):
    def __init__(self, units, dropout=0.1, **kwargs):
        super().__init__(**kwargs)
        self.fc1 = layers.Dense(units * 2, activation="gelu")
        self.fc2 = layers.Dense(units)
        self.drop = layers.Dropout(dropout)
        self.norm = layers.LayerNormalization()

    def call(self, x, training=None):
        h = self.fc2(self.fc1(x))
        h = self.drop(h, training=training)
        return self.norm(x + h)


model = keras.Sequential(
    [
        keras.Input(shape=(12,)),
        layers.Dense(16),
        ResidualMLP(16),
        ResidualMLP(16, dropout=0.2),
        layers.Dense(4, activation="softmax"),
    ],
    name="classifier",
)
