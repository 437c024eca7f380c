"""An MLP grown in a loop of model.add, each pass naming its layers from a prefix it computes."""

import keras
from keras import layers

UNITS = [64, 32, 16]

class Mlp(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.dense_blocks = []
        for i, units in enumerate(UNITS):
            prefix = f"dense_block{i}"
            self.dense_blocks.append((
                layers.Dense(units, activation="relu", name=f"{prefix}_dense"),
                layers.Dropout(0.2, name=f"{prefix}_drop"),
            ))
        self.score = layers.Dense(1, name="score")

    def call(self, inputs, training=None):
        x = inputs
        for dense, dropout in self.dense_blocks:
            x = dense(x)
            x = dropout(x, training=training)
        return self.score(x)


model = Mlp(name="mlp")
model(keras.Input(shape=(20,)))

model.summary()
