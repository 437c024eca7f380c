import tensorflow as tf
from tensorflow.keras.layers import Dense, Input

class Mixed(tf.keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.flatten = tf.keras.layers.Flatten()
        self.dense = Dense(32, activation="relu")
        self.score = Dense(1, activation="sigmoid", name="score")

    def call(self, inp):
        x = self.flatten(inp)
        x = self.dense(x)  # hidden representation
        return self.score(x)


model = Mixed(name="mixed")
model(Input(shape=(8, 8)))
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=[tf.keras.metrics.AUC()])
