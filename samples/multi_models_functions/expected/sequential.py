"""Encoder, decoder and autoencoder built by three functions in one file (dense VAE-free AE)."""

import keras
from keras import layers


def make_encoder(input_dim=64, latent=8):
    return keras.Sequential(
        [
            keras.Input(shape=(input_dim,)),
            layers.Dense(32, activation="relu"),
            layers.Dense(latent, name="code"),
        ],
        name="encoder",
    )


def make_decoder(latent=8, output_dim=64):
    return keras.Sequential(
        [
            keras.Input(shape=(latent,)),
            layers.Dense(32, activation="relu"),
            layers.Dense(output_dim, activation="sigmoid"),
        ],
        name="decoder",
    )


def make_autoencoder(encoder, decoder):
    return keras.Sequential(
        [
            keras.Input(shape=(64,), name="x"),
            encoder,
            decoder,
        ],
        name="autoencoder",
    )


encoder = make_encoder()
decoder = make_decoder()
autoencoder = make_autoencoder(encoder, decoder)
