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


inputs = keras.Input(shape=(12,))
x = layers.Dense(16)(inputs)
x = ResidualMLP(16)(x)
x = ResidualMLP(16, dropout=0.2)(x)
outputs = layers.Dense(4, activation="softmax")(x)
model = keras.Model(inputs=inputs, outputs=outputs, name="classifier")
