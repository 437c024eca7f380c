import tensorflow as tf
from tensorflow.keras.layers import Dense, Input

inp = Input(shape=(8, 8))
x = tf.keras.layers.Flatten()(inp)
x = Dense(32, activation="relu")(x)  # hidden representation
out = Dense(1, activation="sigmoid", name="score")(x)

model = tf.keras.Model(inputs=inp, outputs=out, name="mixed")
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=[tf.keras.metrics.AUC()])
