"""Sequential CNN grown with model.add in loops; optional pieces switched by constants."""

import keras
from keras import layers

FILTERS = [8, 16, 32]
USE_DROPOUT = True
HEAD_UNITS = (64, 32)

model = keras.Sequential(name="cnn")
model.add(keras.Input(shape=(28, 28, 1)))
for i, f in enumerate(FILTERS):
    model.add(layers.Conv2D(f, 3, padding="same", activation="relu", name=f"conv{i}"))
    if i < len(FILTERS) - 1:
        model.add(layers.MaxPooling2D())  # no pooling after the last conv
model.add(layers.GlobalAveragePooling2D())
for units in HEAD_UNITS:
    model.add(layers.Dense(units, activation="relu"))
    if USE_DROPOUT:
        model.add(layers.Dropout(0.25))
model.add(layers.Dense(10, activation="softmax"))
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
