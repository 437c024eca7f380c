"""Downsample until the feature map is small: a while loop on a static shape."""

import keras
from keras import layers
filters = 8

class MyModel(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.conv2d = layers.Conv2D(8, 3, padding="same", activation="relu")
        self.conv2d_1 = layers.Conv2D(16, 3, strides=2, padding="same", activation="relu")
        self.conv2d_2 = layers.Conv2D(32, 3, strides=2, padding="same", activation="relu")
        self.conv2d_3 = layers.Conv2D(64, 3, strides=2, padding="same", activation="relu")
        self.global_average_pooling2d = layers.GlobalAveragePooling2D()
        self.dense = layers.Dense(10)

    def call(self, inputs):
        x = self.conv2d(inputs)
        x = self.conv2d_1(x)
        x = self.conv2d_2(x)
        x = self.conv2d_3(x)
        x = self.global_average_pooling2d(x)
        return self.dense(x)


model = MyModel()
model(keras.Input(shape=(32, 32, 3)))
