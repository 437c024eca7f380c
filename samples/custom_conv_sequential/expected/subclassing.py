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


class MyModel(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.standardized_conv2d = StandardizedConv2D(8, 3)
        self.group_normalization = layers.GroupNormalization(groups=4)
        self.re_lu = layers.ReLU()
        self.global_average_pooling2d = layers.GlobalAveragePooling2D()
        self.dense = layers.Dense(3)

    def call(self, inputs):
        x = self.standardized_conv2d(inputs)
        x = self.group_normalization(x)
        x = self.re_lu(x)
        x = self.global_average_pooling2d(x)
        return self.dense(x)


model = MyModel()
model(keras.Input(shape=(16, 16, 3)))
