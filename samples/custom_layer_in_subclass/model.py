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


class Classifier(keras.Model):
    def __init__(self, num_classes=4, width=16):
        super().__init__(name="classifier")
        self.proj = layers.Dense(width)
        self.block1 = ResidualMLP(width)
        self.block2 = ResidualMLP(width, dropout=0.2)
        self.head = layers.Dense(num_classes, activation="softmax")

    def call(self, inputs, training=False):
        x = self.proj(inputs)
        x = self.block1(x, training=training)
        x = self.block2(x, training=training)
        return self.head(x)


model = Classifier()
model.build((None, 12))
