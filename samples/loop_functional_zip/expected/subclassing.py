"""Functional 1-D CNN whose conv stack is driven by zipped hyperparameter lists."""

import keras
from keras import layers

filters = (16, 32, 32)
kernels = (7, 5, 3)
dilations = [1, 2, 4]

class DilatedCnn(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.conv1d_blocks = [
            (
                layers.Conv1D(
                    f, k, dilation_rate=d, padding="causal", activation="relu", name=f"conv_{i}"
                ),
                layers.LayerNormalization(name=f"ln_{i}"),
            )
            for i, (f, k, d) in enumerate(zip(filters, kernels, dilations))
        ]
        self.global_max_pooling1d = layers.GlobalMaxPooling1D()
        self.dense_layers = [layers.Dense(units, activation="gelu") for units in [32, 16]]
        self.logits = layers.Dense(2, name="logits")

    def call(self, seq):
        x = seq
        for conv1d, layer_normalization in self.conv1d_blocks:
            x = conv1d(x)
            x = layer_normalization(x)
        x = self.global_max_pooling1d(x)
        for dense in self.dense_layers:
            x = dense(x)
        return self.logits(x)


model = DilatedCnn(name="dilated_cnn")
model(keras.Input(shape=(64, 4), name="sequence"))
