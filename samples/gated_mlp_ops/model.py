"""gMLP-flavoured block: keras.ops and Python operators on Functional tensors."""

import keras
from keras import layers, ops

d_model = 32

tokens = keras.Input(shape=(10, d_model), name="tokens")
h = layers.LayerNormalization(name="pre_norm")(tokens)
u = layers.Dense(2 * d_model, name="up")(h)
u = ops.gelu(u)
value, gate = ops.split(u, 2, axis=-1)
gate = layers.LayerNormalization(name="gate_norm")(gate)
h = value * ops.sigmoid(gate)  # gating
h = layers.Dense(d_model, name="down")(h)
h = tokens + 0.5 * h  # scaled residual
pooled = ops.mean(h, axis=1)
logits = layers.Dense(3)(pooled)
model = keras.Model(tokens, logits, name="gated_mlp")
