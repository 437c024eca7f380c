"""Siamese similarity: one Sequential encoder shared by both inputs, an L1 distance in a Lambda."""

import keras
from keras import layers, ops

class Encoder(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.dense = layers.Dense(32, activation="relu")
        self.dense_1 = layers.Dense(16)

    def call(self, inputs):
        x = self.dense(inputs)
        return self.dense_1(x)


encoder = Encoder(name="encoder")
encoder(keras.Input(shape=(64,)))

class Siamese(keras.Model):
    def __init__(self, encoder, **kwargs):
        super().__init__(**kwargs)
        self.encoder = encoder
        self.l1 = layers.Lambda(lambda pair: ops.abs(pair[0] - pair[1]), name="l1")
        self.dense = layers.Dense(1, activation="sigmoid")

    def call(self, inputs):
        if isinstance(inputs, dict):  # keyed by the inputs' names
            left, right = inputs["left"], inputs["right"]
        else:
            left, right = inputs
        left_code = self.encoder(left)
        right_code = self.encoder(right)  # same weights as the left branch
        distance = self.l1([left_code, right_code])
        return self.dense(distance)


siamese = Siamese(encoder, name="siamese")
siamese([keras.Input(shape=(64,), name="left"), keras.Input(shape=(64,), name="right")])
siamese.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
