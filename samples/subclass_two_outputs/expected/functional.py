import tensorflow as tf


inputs = tf.keras.Input(shape=(12,))
x = tf.keras.layers.Dense(64, activation="relu")(inputs)
x = tf.keras.layers.Dense(32, activation="relu")(x)
value = tf.keras.layers.Dense(1, name="value")(x)
label = tf.keras.layers.Dense(3, activation="softmax", name="label")(x)
model = tf.keras.Model(inputs=inputs, outputs=(value, label))
model.compile(
    optimizer="adam",
    loss=["mse", "sparse_categorical_crossentropy"],
    loss_weights=[1.0, 0.5],
)
model.summary()
