"""An MLP grown in a loop of model.add, each pass naming its layers from a prefix it computes."""

import keras
from keras import layers

UNITS = [64, 32, 16]

inputs = keras.Input(shape=(20,))
x = inputs
for i, units in enumerate(UNITS):
    prefix = f"dense_block{i}"
    x = layers.Dense(units, activation="relu", name=f"{prefix}_dense")(x)
    x = layers.Dropout(0.2, name=f"{prefix}_drop")(x)
outputs = layers.Dense(1, name="score")(x)
model = keras.Model(inputs=inputs, outputs=outputs, name="mlp")

model.summary()
