"""Subclassed MLP keeping its hidden blocks in a Python list, with a reused layer and dropout."""

import keras
from keras import layers


class DeepMLP(keras.Model):
    def __init__(self, widths=(32, 32, 32), num_classes=5):
        super().__init__()
        self.input_proj = layers.Dense(32)
        self.blocks = [layers.Dense(w, activation="relu", name=f"block_{i}") for i, w in enumerate(widths)]
        self.dropout = layers.Dropout(0.3)
        self.norm = layers.LayerNormalization()  # applied after every block
        self.classifier = layers.Dense(num_classes)

    def call(self, x, training=False):
        x = self.input_proj(x)
        for block in self.blocks:
            x = x + block(x)  # residual
            x = self.norm(x)
        x = self.dropout(x, training=training)
        return self.classifier(x)


model = DeepMLP()
model.build((None, 20))
