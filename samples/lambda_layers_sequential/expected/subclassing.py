"""Sequential model with Lambda layers for preprocessing steps."""

import keras
from keras import layers, ops

class MyModel(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.scale = layers.Lambda(lambda t: t / 255.0, name="scale")
        self.conv2d = layers.Conv2D(8, 3, activation="relu")
        self.gap = layers.Lambda(lambda t: ops.mean(t, axis=[1, 2]), name="gap")
        self.dense = layers.Dense(4)

    def call(self, inputs):
        x = self.scale(inputs)
        x = self.conv2d(x)
        x = self.gap(x)
        return self.dense(x)


model = MyModel()
model(keras.Input(shape=(16, 16, 3)))
