"""Siamese similarity: one Sequential encoder shared by both inputs, an L1 distance in a Lambda."""

import keras
from keras import layers, ops

inputs = keras.Input(shape=(64,))
x = layers.Dense(32, activation="relu")(inputs)
outputs = layers.Dense(16)(x)
encoder = keras.Model(inputs=inputs, outputs=outputs, name="encoder")

left = keras.Input(shape=(64,), name="left")
right = keras.Input(shape=(64,), name="right")
left_code = encoder(left)
right_code = encoder(right)  # same weights as the left branch
distance = layers.Lambda(lambda pair: ops.abs(pair[0] - pair[1]), name="l1")([left_code, right_code])
similarity = layers.Dense(1, activation="sigmoid")(distance)
siamese = keras.Model(inputs=[left, right], outputs=similarity, name="siamese")
siamese.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
