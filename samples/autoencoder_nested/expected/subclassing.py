"""A dense autoencoder for flattened 28x28 images: encoder and decoder are models of their own."""

import keras
from keras import layers

latent_dim = 32

# Encoder: image -> latent code
class Encoder(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.dense = layers.Dense(128, activation="relu")
        self.code = layers.Dense(latent_dim, activation="relu", name="code")

    def call(self, image):
        h = self.dense(image)
        return self.code(h)


encoder = Encoder(name="encoder")
encoder(keras.Input(shape=(784,), name="image"))

# Decoder: latent code -> image
class Decoder(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.dense = layers.Dense(128, activation="relu")
        self.dense_1 = layers.Dense(784, activation="sigmoid")

    def call(self, latent):
        h = self.dense(latent)
        return self.dense_1(h)


decoder = Decoder(name="decoder")
decoder(keras.Input(shape=(latent_dim,), name="latent"))

# The autoencoder chains the two; training it trains both.
class Autoencoder(keras.Model):
    def __init__(self, encoder, decoder, **kwargs):
        super().__init__(**kwargs)
        self.encoder = encoder
        self.decoder = decoder

    def call(self, inputs):
        x = self.encoder(inputs)
        return self.decoder(x)


autoencoder = Autoencoder(encoder, decoder, name="autoencoder")
autoencoder(keras.Input(shape=(784,)))
autoencoder.compile(optimizer="adam", loss="binary_crossentropy")

if __name__ == "__main__":
    (x_train, _), _ = keras.datasets.mnist.load_data()
    x_train = x_train.reshape(-1, 784).astype("float32") / 255.0
    autoencoder.fit(x_train, x_train, epochs=5, batch_size=256)
