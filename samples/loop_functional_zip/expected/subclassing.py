"""Functional 1-D CNN whose conv stack is driven by zipped hyperparameter lists."""

import keras
from keras import layers

filters = (16, 32, 32)
kernels = (7, 5, 3)
dilations = [1, 2, 4]

class DilatedCnn(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.conv_0 = layers.Conv1D(
            16, 7, dilation_rate=1, padding="causal", activation="relu", name="conv_0"
        )
        self.ln_0 = layers.LayerNormalization(name="ln_0")
        self.conv_1 = layers.Conv1D(
            32, 5, dilation_rate=2, padding="causal", activation="relu", name="conv_1"
        )
        self.ln_1 = layers.LayerNormalization(name="ln_1")
        self.conv_2 = layers.Conv1D(
            32, 3, dilation_rate=4, padding="causal", activation="relu", name="conv_2"
        )
        self.ln_2 = layers.LayerNormalization(name="ln_2")
        self.global_max_pooling1d = layers.GlobalMaxPooling1D()
        self.dense = layers.Dense(32, activation="gelu")
        self.dense_1 = layers.Dense(16, activation="gelu")
        self.logits = layers.Dense(2, name="logits")

    def call(self, seq):
        x = self.conv_0(seq)
        x = self.ln_0(x)
        x = self.conv_1(x)
        x = self.ln_1(x)
        x = self.conv_2(x)
        x = self.ln_2(x)
        x = self.global_max_pooling1d(x)
        x = self.dense(x)
        x = self.dense_1(x)
        return self.logits(x)


model = DilatedCnn(name="dilated_cnn")
model(keras.Input(shape=(64, 4), name="sequence"))
