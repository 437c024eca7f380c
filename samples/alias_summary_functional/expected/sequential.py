import keras
from keras import layers

latent_dim = 8

# The generator of a small GAN, written with the Functional API.
generator = keras.Sequential(
    [
        keras.Input(shape=(latent_dim,), name="latent"),
        layers.Dense(7 * 7 * 16),
        layers.LeakyReLU(negative_slope=0.2),
        layers.Reshape((7, 7, 16)),
        layers.Conv2DTranspose(16, 4, strides=2, padding="same"),
        layers.LeakyReLU(negative_slope=0.2),
        layers.Conv2D(1, 7, padding="same", activation="sigmoid"),
    ],
    name="generator",
)
generator.summary()

model = generator
model.compile(optimizer="adam", loss="mse")
