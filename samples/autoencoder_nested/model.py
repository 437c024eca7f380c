"""A dense autoencoder for flattened 28x28 images: encoder and decoder are models of their own."""

import keras
from keras import layers

latent_dim = 32

# Encoder: image -> latent code
image = keras.Input(shape=(784,), name="image")
h = layers.Dense(128, activation="relu")(image)
code = layers.Dense(latent_dim, activation="relu", name="code")(h)
encoder = keras.Model(image, code, name="encoder")

# Decoder: latent code -> image
latent = keras.Input(shape=(latent_dim,), name="latent")
h = layers.Dense(128, activation="relu")(latent)
reconstruction = layers.Dense(784, activation="sigmoid")(h)
decoder = keras.Model(latent, reconstruction, name="decoder")

# The autoencoder chains the two; training it trains both.
inputs = keras.Input(shape=(784,))
outputs = decoder(encoder(inputs))
autoencoder = keras.Model(inputs, outputs, name="autoencoder")
autoencoder.compile(optimizer="adam", loss="binary_crossentropy")

if __name__ == "__main__":
    (x_train, _), _ = keras.datasets.mnist.load_data()
    x_train = x_train.reshape(-1, 784).astype("float32") / 255.0
    autoencoder.fit(x_train, x_train, epochs=5, batch_size=256)
