"""Multi-task subclass model: shared trunk, two heads, returns a tuple; BN/Dropout get training."""

import keras
from keras import layers


class MultiTask(keras.Model):
    def __init__(self):
        super().__init__()
        self.trunk = layers.Dense(32, activation="relu", name="trunk")
        self.bn = layers.BatchNormalization()
        self.drop = layers.Dropout(0.5)
        self.age_head = layers.Dense(1, name="age")
        self.gender_head = layers.Dense(2, activation="softmax", name="gender")

    def call(self, inputs, training=None):
        h = self.trunk(inputs)
        h = self.bn(h, training=training)
        h = self.drop(h, training=training)
        age = self.age_head(h)
        gender = self.gender_head(h)
        return age, gender


model = MultiTask()
model.build((None, 18))
