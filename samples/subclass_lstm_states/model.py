"""Sequence encoder that keeps the LSTM's final states: several outputs of one layer, unpacked."""

import keras
from keras import layers, ops


class StateEncoder(keras.Model):
    def __init__(self, units=16, **kwargs):
        super().__init__(**kwargs)
        self.embed = layers.Embedding(100, 8, name="embed")
        self.lstm = layers.LSTM(units, return_sequences=True, return_state=True, name="lstm")
        self.head = layers.Dense(4, name="head")

    def call(self, tokens):
        x = self.embed(tokens)
        sequence, state_h, state_c = self.lstm(x)
        summary = ops.concatenate([ops.mean(sequence, axis=1), state_h + state_c], axis=-1)
        return self.head(summary)


model = StateEncoder()
model.build((None, 12))
