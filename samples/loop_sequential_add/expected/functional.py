"""Sequential CNN grown with model.add in loops; optional pieces switched by constants."""

import keras
from keras import layers

FILTERS = [8, 16, 32]
USE_DROPOUT = True
HEAD_UNITS = (64, 32)

inputs = keras.Input(shape=(28, 28, 1))
x = layers.Conv2D(8, 3, padding="same", activation="relu", name="conv0")(inputs)
x = layers.MaxPooling2D()(x)  # no pooling after the last conv
x = layers.Conv2D(16, 3, padding="same", activation="relu", name="conv1")(x)
x = layers.MaxPooling2D()(x)
x = layers.Conv2D(32, 3, padding="same", activation="relu", name="conv2")(x)
x = layers.GlobalAveragePooling2D()(x)
for units in HEAD_UNITS:
    x = layers.Dense(units, activation="relu")(x)
    x = layers.Dropout(0.25)(x)
outputs = layers.Dense(10, activation="softmax")(x)
model = keras.Model(inputs=inputs, outputs=outputs, name="cnn")
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
