from tensorflow import keras
from tensorflow.keras import layers


def conv_block(x, filters, kernel_size):
    # convolution, then batch normalisation, then ReLU
    x = layers.Conv2D(filters, kernel_size, padding="same")(x)
    x = layers.BatchNormalization()(x)
    x = layers.Activation("relu")(x)
    return x


def inception_block(x, filters_1x1, filters_3x3):
    # two conv_block branches on the same input, merged along the channels
    branch_1x1 = conv_block(x, filters_1x1, 1)
    branch_3x3 = conv_block(x, filters_3x3, 3)
    return layers.concatenate([branch_1x1, branch_3x3])


class InceptionMini(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.conv2d = layers.Conv2D(32, 3, padding="same")
        self.batch_normalization = layers.BatchNormalization()
        self.activation = layers.Activation("relu")
        self.conv2d_1 = layers.Conv2D(16, 1, padding="same")
        self.conv2d_2 = layers.Conv2D(32, 3, padding="same")
        self.batch_normalization_1 = layers.BatchNormalization()
        self.batch_normalization_2 = layers.BatchNormalization()
        self.activation_1 = layers.Activation("relu")
        self.activation_2 = layers.Activation("relu")
        self.concatenate = layers.Concatenate()
        self.conv2d_3 = layers.Conv2D(32, 1, padding="same")
        self.conv2d_4 = layers.Conv2D(64, 3, padding="same")
        self.batch_normalization_3 = layers.BatchNormalization()
        self.batch_normalization_4 = layers.BatchNormalization()
        self.activation_3 = layers.Activation("relu")
        self.activation_4 = layers.Activation("relu")
        self.concatenate_1 = layers.Concatenate()
        self.global_average_pooling2d = layers.GlobalAveragePooling2D()
        self.dense = layers.Dense(10, activation="softmax")

    def call(self, inputs, training=None):
        x = self.conv2d(inputs)
        x = self.batch_normalization(x, training=training)
        x = self.activation(x)
        x_1 = self.conv2d_1(x)
        x_1 = self.batch_normalization_1(x_1, training=training)
        x_1 = self.activation_1(x_1)
        x = self.conv2d_2(x)
        x = self.batch_normalization_2(x, training=training)
        x = self.activation_2(x)
        x = self.concatenate([x_1, x])
        x_1 = self.conv2d_3(x)
        x_1 = self.batch_normalization_3(x_1, training=training)
        x_1 = self.activation_3(x_1)
        x = self.conv2d_4(x)
        x = self.batch_normalization_4(x, training=training)
        x = self.activation_4(x)
        x = self.concatenate_1([x_1, x])
        x = self.global_average_pooling2d(x)
        return self.dense(x)


model = InceptionMini(name="inception_mini")
model(keras.Input(shape=(32, 32, 3)))
model.summary()

keras.utils.plot_model(model, "inception.png", show_shapes=True)
