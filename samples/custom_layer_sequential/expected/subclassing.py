"""Sequential model mixing built-in layers with two small custom layers."""

import keras
from keras import layers, ops


class RMSNorm(layers.Layer):
    """Root-mean-square normalisation with a learned scale."""

    def __init__(self, epsilon=1e-6, **kwargs):
        super().__init__(**kwargs)
        self.epsilon = epsilon

    def build(self, input_shape):
        self.scale = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="scale")

    def call(self, x):
        ms = ops.mean(ops.square(x), axis=-1, keepdims=True)
        return x * ops.rsqrt(ms + self.epsilon) * self.scale


class Swish(layers.Layer):
    def call(self, x):
        return x * ops.sigmoid(x)


class RmsMlp(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.dense = layers.Dense(32)
        self.norm1 = RMSNorm(name="norm1")
        self.swish = Swish()
        self.dense_1 = layers.Dense(32)
        self.rms_norm = RMSNorm(epsilon=1e-5)
        self.swish_1 = Swish()
        self.dense_2 = layers.Dense(3)

    def call(self, inputs):
        x = self.dense(inputs)
        x = self.norm1(x)
        x = self.swish(x)
        x = self.dense_1(x)
        x = self.rms_norm(x)
        x = self.swish_1(x)
        return self.dense_2(x)


model = RmsMlp(name="rms_mlp")
model(keras.Input(shape=(24,)))
