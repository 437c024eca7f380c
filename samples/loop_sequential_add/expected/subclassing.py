"""Sequential CNN grown with model.add in loops; optional pieces switched by constants."""

import keras
from keras import layers

FILTERS = [8, 16, 32]
USE_DROPOUT = True
HEAD_UNITS = (64, 32)

class Cnn(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.conv0 = layers.Conv2D(8, 3, padding="same", activation="relu", name="conv0")
        self.max_pooling2d = layers.MaxPooling2D()
        self.conv1 = layers.Conv2D(16, 3, padding="same", activation="relu", name="conv1")
        self.max_pooling2d_1 = layers.MaxPooling2D()
        self.conv2 = layers.Conv2D(32, 3, padding="same", activation="relu", name="conv2")
        self.global_average_pooling2d = layers.GlobalAveragePooling2D()
        self.dense_blocks = [
            (layers.Dense(units, activation="relu"), layers.Dropout(0.25))
            for units in HEAD_UNITS
        ]
        self.dense = layers.Dense(10, activation="softmax")

    def call(self, inputs, training=None):
        x = self.conv0(inputs)
        x = self.max_pooling2d(x)  # no pooling after the last conv
        x = self.conv1(x)
        x = self.max_pooling2d_1(x)
        x = self.conv2(x)
        x = self.global_average_pooling2d(x)
        for dense, dropout in self.dense_blocks:
            x = dense(x)
            x = dropout(x, training=training)
        return self.dense(x)


model = Cnn(name="cnn")
model(keras.Input(shape=(28, 28, 1)))
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
