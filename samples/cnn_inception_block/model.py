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


inputs = keras.Input((32, 32, 3))
x = conv_block(inputs, 32, 3)
x = inception_block(x, 16, 32)
x = inception_block(x, 32, 64)
x = layers.GlobalAveragePooling2D()(x)
outputs = layers.Dense(10, activation="softmax")(x)

model = keras.Model(inputs, outputs, name="inception_mini")
model.summary()

keras.utils.plot_model(model, "inception.png", show_shapes=True)
