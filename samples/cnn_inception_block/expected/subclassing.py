from tensorflow import keras
from tensorflow.keras import layers


class ConvBlock(layers.Layer):
    def __init__(self, filters, kernel_size, **kwargs):
        super().__init__(**kwargs)
        self.conv2d = layers.Conv2D(filters, kernel_size, padding="same")
        self.batch_normalization = layers.BatchNormalization()
        self.activation = layers.Activation("relu")

    def call(self, x, training=None):
        # convolution, then batch normalisation, then ReLU
        x = self.conv2d(x)
        x = self.batch_normalization(x, training=training)
        return self.activation(x)


class InceptionBlock(layers.Layer):
    def __init__(self, filters_1x1, filters_3x3, **kwargs):
        super().__init__(**kwargs)
        self.conv_block = ConvBlock(filters_1x1, 1)
        self.conv_block_1 = ConvBlock(filters_3x3, 3)
        self.concatenate = layers.Concatenate()

    def call(self, x, training=None):
        # two conv_block branches on the same input, merged along the channels
        branch_1x1 = self.conv_block(x, training=training)
        branch_3x3 = self.conv_block_1(x, training=training)
        return self.concatenate([branch_1x1, branch_3x3])


class InceptionMini(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.conv_block = ConvBlock(32, 3)
        self.inception_block = InceptionBlock(16, 32)
        self.inception_block_1 = InceptionBlock(32, 64)
        self.global_average_pooling2d = layers.GlobalAveragePooling2D()
        self.dense = layers.Dense(10, activation="softmax")

    def call(self, inputs, training=None):
        x = self.conv_block(inputs, training=training)
        x = self.inception_block(x, training=training)
        x = self.inception_block_1(x, training=training)
        x = self.global_average_pooling2d(x)
        return self.dense(x)


model = InceptionMini(name="inception_mini")
model(keras.Input(shape=(32, 32, 3)))
model.summary()

keras.utils.plot_model(model, "inception.png", show_shapes=True)
