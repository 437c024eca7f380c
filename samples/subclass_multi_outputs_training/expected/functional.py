"""Multi-task subclass model: shared trunk, two heads, returns a tuple; BN/Dropout get training."""

import keras
from keras import layers


inputs = keras.Input(shape=(18,))
h = layers.Dense(32, activation="relu", name="trunk")(inputs)
h = layers.BatchNormalization()(h)
h = layers.Dropout(0.5)(h)
age = layers.Dense(1, name="age")(h)
gender = layers.Dense(2, activation="softmax", name="gender")(h)
model = keras.Model(inputs=inputs, outputs=(age, gender))
