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


inputs = keras.Input(shape=(24,))
x = layers.Dense(32)(inputs)
x = RMSNorm(name="norm1")(x)
x = Swish()(x)
x = layers.Dense(32)(x)
x = RMSNorm(epsilon=1e-5)(x)
x = Swish()(x)
outputs = layers.Dense(3)(x)
model = keras.Model(inputs=inputs, outputs=outputs, name="rms_mlp")
