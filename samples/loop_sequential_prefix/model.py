"""An MLP grown in a loop of model.add, each pass naming its layers from a prefix it computes."""

import keras
from keras import layers

UNITS = [64, 32, 16]

model = keras.Sequential([keras.Input(shape=(20,))], name="mlp")
for i, units in enumerate(UNITS):
    prefix = f"dense_block{i}"
    model.add(layers.Dense(units, activation="relu", name=f"{prefix}_dense"))
    model.add(layers.Dropout(0.2, name=f"{prefix}_drop"))
model.add(layers.Dense(1, name="score"))

model.summary()
