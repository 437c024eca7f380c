import keras
from keras import layers

# The discriminator of a small GAN, as keras-io examples write it.
inputs = keras.Input(shape=(28, 28, 1))
x = layers.Conv2D(16, 3, strides=2, padding="same")(inputs)
x = layers.LeakyReLU(negative_slope=0.2)(x)
x = layers.Conv2D(32, 3, strides=2, padding="same")(x)
x = layers.LeakyReLU(negative_slope=0.2)(x)
x = layers.GlobalMaxPooling2D()(x)
outputs = layers.Dense(1)(x)
discriminator = keras.Model(inputs=inputs, outputs=outputs, name="discriminator")
discriminator.summary()

model = discriminator  # the training code below calls it `model`
model.compile(
    optimizer=keras.optimizers.Adam(learning_rate=0.0003),
    loss=keras.losses.BinaryCrossentropy(from_logits=True),
)
