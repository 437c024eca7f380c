import keras
from keras import layers

latent_dim = 8

# The generator of a small GAN, written with the Functional API.
latent = keras.Input(shape=(latent_dim,), name="latent")
x = layers.Dense(7 * 7 * 16)(latent)
x = layers.LeakyReLU(negative_slope=0.2)(x)
x = layers.Reshape((7, 7, 16))(x)
x = layers.Conv2DTranspose(16, 4, strides=2, padding="same")(x)
x = layers.LeakyReLU(negative_slope=0.2)(x)
image = layers.Conv2D(1, 7, padding="same", activation="sigmoid")(x)
generator = keras.Model(latent, image, name="generator")
generator.summary()

model = generator
model.compile(optimizer="adam", loss="mse")
