import tensorflow as tf
from tensorflow.keras.layers import Dense, Input

model = tf.keras.Sequential(
    [
        Input(shape=(8, 8)),
        tf.keras.layers.Flatten(),
        Dense(32, activation="relu"),  # hidden representation
        Dense(1, activation="sigmoid", name="score"),
    ],
    name="mixed",
)
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=[tf.keras.metrics.AUC()])
