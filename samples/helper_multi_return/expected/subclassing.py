"""Two-branch feature extractor: the helper returns two tensors (a pooled and a full branch)."""

import keras
from keras import layers


class MyModel(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.dense = layers.Dense(32, activation="relu")
        self.dropout = layers.Dropout(0.1)
        self.dense_1 = layers.Dense(32, activation="sigmoid")
        self.merge = layers.Concatenate(name="merge")
        self.dense_2 = layers.Dense(16, activation="relu")
        self.dropout_1 = layers.Dropout(0.1)
        self.dense_3 = layers.Dense(16, activation="sigmoid")
        self.multiply = layers.Multiply()
        self.dense_4 = layers.Dense(16, activation="relu")
        self.dropout_2 = layers.Dropout(0.1)
        self.dense_5 = layers.Dense(16, activation="sigmoid")
        self.multiply_1 = layers.Multiply()
        self.score = layers.Dense(1, name="score")

    def call(self, features, training=None):
        h = self.dense(features)
        h = self.dropout(h, training=training)
        gate = self.dense_1(features)
        merged = self.merge([h, gate])
        h = self.dense_2(merged)
        h = self.dropout_1(h, training=training)
        gate = self.dense_3(merged)
        x = self.multiply([h, gate])
        h = self.dense_4(x)
        h = self.dropout_2(h, training=training)
        gate = self.dense_5(x)
        x = self.multiply_1([h, gate])
        return self.score(x)


model = MyModel()
model(keras.Input(shape=(20,), name="features"))
