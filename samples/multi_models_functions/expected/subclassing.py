"""Encoder, decoder and autoencoder built by three functions in one file (dense VAE-free AE)."""

import keras
from keras import layers


class Encoder(keras.Model):
    def __init__(self, latent, **kwargs):
        super().__init__(**kwargs)
        self.dense = layers.Dense(32, activation="relu")
        self.code = layers.Dense(latent, name="code")

    def call(self, inp):
        h = self.dense(inp)
        return self.code(h)


def make_encoder(input_dim=64, latent=8):
    if input_dim != 64:
        raise NotImplementedError(
            "make_encoder() was converted by kcg for "
            "input_dim=64 only: "
            "convert the original again for other arguments"
        )
    model = Encoder(latent=latent, name="encoder")
    model(keras.Input(shape=(input_dim,)))
    return model


class Decoder(keras.Model):
    def __init__(self, output_dim, **kwargs):
        super().__init__(**kwargs)
        self.dense = layers.Dense(32, activation="relu")
        self.dense_1 = layers.Dense(output_dim, activation="sigmoid")

    def call(self, inputs):
        x = self.dense(inputs)
        return self.dense_1(x)


def make_decoder(latent=8, output_dim=64):
    model = Decoder(output_dim=output_dim, name="decoder")
    model(keras.Input(shape=(latent,)))
    return model


class Autoencoder(keras.Model):
    def __init__(self, encoder, decoder, **kwargs):
        super().__init__(**kwargs)
        self.encoder = encoder
        self.decoder = decoder

    def call(self, inp):
        x = self.encoder(inp)
        return self.decoder(x)


def make_autoencoder(encoder, decoder):
    model = Autoencoder(encoder, decoder, name="autoencoder")
    model(keras.Input(shape=(64,), name="x"))
    return model


encoder = make_encoder()
decoder = make_decoder()
autoencoder = make_autoencoder(encoder, decoder)
