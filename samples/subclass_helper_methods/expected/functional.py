"""Subclassed CNN whose __init__ and call() use helper methods and loops over a tuple of stages."""

import keras
from keras import layers


images = keras.Input(shape=(16, 16, 3))
x = layers.Conv2D(8, 3, padding="same", use_bias=False)(images)
x = layers.BatchNormalization()(x)
x = keras.activations.relu(x)
pool = layers.MaxPooling2D()
x = pool(x)
x = layers.Conv2D(16, 3, padding="same", use_bias=False)(x)
x = layers.BatchNormalization()(x)
x = keras.activations.relu(x)
x = pool(x)
x = layers.GlobalAveragePooling2D()(x)
outputs = layers.Dense(10)(x)
model = keras.Model(inputs=images, outputs=outputs)
