"""A Sequential stack from a list of widths, skipping and stopping early: continue, break, for/else."""

import keras
from keras import layers

widths = [64, 48, 32, 16, 8, 4]
model = keras.Sequential([keras.Input(shape=(20,))], name="tapered_mlp")
for width in widths:
    if width == 48:
        continue  # keep the taper steep
    if width < 16:
        break
    model.add(layers.Dense(width, activation="relu"))
else:
    model.add(layers.Dropout(0.5))  # only when no width was too small
model.add(layers.Dense(1))
