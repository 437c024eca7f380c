"""MLP whose depth comes from the command line: python model.py 3"""

import sys

import keras
from keras import layers

depth = int(sys.argv[1]) if len(sys.argv) > 1 else 2

inputs = keras.Input(shape=(16,))
x = inputs
for i in range(depth):
    x = layers.Dense(32, activation="relu", name=f"hidden_{i}")(x)
outputs = layers.Dense(1)(x)
model = keras.Model(inputs, outputs)
