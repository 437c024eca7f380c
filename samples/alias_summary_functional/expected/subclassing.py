import keras
from keras import layers

latent_dim = 8

# The generator of a small GAN, written with the Functional API.
class Generator(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.dense = layers.Dense(7 * 7 * 16)
        self.leaky_re_lu = layers.LeakyReLU(negative_slope=0.2)
        self.reshape = layers.Reshape((7, 7, 16))
        self.conv2d_transpose = layers.Conv2DTranspose(16, 4, strides=2, padding="same")
        self.leaky_re_lu_1 = layers.LeakyReLU(negative_slope=0.2)
        self.conv2d = layers.Conv2D(1, 7, padding="same", activation="sigmoid")

    def call(self, latent):
        x = self.dense(latent)
        x = self.leaky_re_lu(x)
        x = self.reshape(x)
        x = self.conv2d_transpose(x)
        x = self.leaky_re_lu_1(x)
        return self.conv2d(x)


generator = Generator(name="generator")
generator(keras.Input(shape=(latent_dim,), name="latent"))
generator.summary()

model = generator
model.compile(optimizer="adam", loss="mse")
