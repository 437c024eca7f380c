"""Encoder, decoder and autoencoder built by three functions in one file (dense VAE-free AE)."""

import keras
from keras import layers


def make_encoder(input_dim=64, latent=8):
    inp = keras.Input(shape=(input_dim,))
    h = layers.Dense(32, activation="relu")(inp)
    h = layers.Dense(latent, name="code")(h)
    return keras.Model(inp, h, name="encoder")


def make_decoder(latent=8, output_dim=64):
    inputs = keras.Input(shape=(latent,))
    x = layers.Dense(32, activation="relu")(inputs)
    outputs = layers.Dense(output_dim, activation="sigmoid")(x)
    return keras.Model(inputs=inputs, outputs=outputs, name="decoder")


def make_autoencoder(encoder, decoder):
    inp = keras.Input(shape=(64,), name="x")
    return keras.Model(inp, decoder(encoder(inp)), name="autoencoder")


encoder = make_encoder()
decoder = make_decoder()
autoencoder = make_autoencoder(encoder, decoder)
