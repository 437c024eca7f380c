import keras
from keras import layers


class StandardizedConv2D(layers.Conv2D):
    """A Conv2D whose kernel is standardized before each convolution (weight standardization)."""

    def convolution_op(self, inputs, kernel):
        mean = keras.ops.mean(kernel, axis=(0, 1, 2), keepdims=True)
        var = keras.ops.var(kernel, axis=(0, 1, 2), keepdims=True)
        return keras.ops.conv(
            inputs, (kernel - mean) / keras.ops.sqrt(var + 1e-10), padding="valid", strides=1
        )


inputs = keras.Input(shape=(16, 16, 3))
x = StandardizedConv2D(8, 3)(inputs)
x = layers.GroupNormalization(groups=4)(x)
x = layers.ReLU()(x)
x = layers.GlobalAveragePooling2D()(x)
outputs = layers.Dense(3)(x)
model = keras.Model(inputs=inputs, outputs=outputs)
