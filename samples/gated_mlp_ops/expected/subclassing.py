"""gMLP-flavoured block: keras.ops and Python operators on Functional tensors."""

import keras
from keras import layers, ops

d_model = 32

class GatedMlp(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.pre_norm = layers.LayerNormalization(name="pre_norm")
        self.up = layers.Dense(2 * d_model, name="up")
        self.gate_norm = layers.LayerNormalization(name="gate_norm")
        self.down = layers.Dense(d_model, name="down")
        self.dense = layers.Dense(3)

    def call(self, tokens):
        h = self.pre_norm(tokens)
        u = self.up(h)
        u = ops.gelu(u)
        value_gate = ops.split(u, 2, axis=-1)
        value = value_gate[0]
        gate = value_gate[1]
        gate = self.gate_norm(gate)
        h = value * ops.sigmoid(gate)  # gating
        h = self.down(h)
        h = tokens + 0.5 * h  # scaled residual
        pooled = ops.mean(h, axis=1)
        return self.dense(pooled)


model = GatedMlp(name="gated_mlp")
model(keras.Input(shape=(10, d_model), name="tokens"))
