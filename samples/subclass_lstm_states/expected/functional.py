"""Sequence encoder that keeps the LSTM's final states: several outputs of one layer, unpacked."""

import keras
from keras import layers, ops


tokens = keras.Input(shape=(12,))
x = layers.Embedding(100, 8, name="embed")(tokens)
sequence_etc = layers.LSTM(16, return_sequences=True, return_state=True, name="lstm")(x)
sequence = sequence_etc[0]
state_h = sequence_etc[1]
state_c = sequence_etc[2]
summary = ops.concatenate([ops.mean(sequence, axis=1), state_h + state_c], axis=-1)
outputs = layers.Dense(4, name="head")(summary)
model = keras.Model(inputs=tokens, outputs=outputs)
