import tensorflow as tf


class TwoHead(tf.keras.Model):
    """Shared trunk with a regression head and a classification head."""

    def __init__(self):
        super(TwoHead, self).__init__()
        self.hidden1 = tf.keras.layers.Dense(64, activation="relu")
        self.hidden2 = tf.keras.layers.Dense(32, activation="relu")
        self.value_head = tf.keras.layers.Dense(1, name="value")
        self.class_head = tf.keras.layers.Dense(3, activation="softmax", name="label")

    def call(self, inputs):
        x = self.hidden1(inputs)
        x = self.hidden2(x)
        value = self.value_head(x)
        label = self.class_head(x)
        return value, label


model = TwoHead()
model(tf.zeros((1, 12)))  # build the weights
model.compile(
    optimizer="adam",
    loss=["mse", "sparse_categorical_crossentropy"],
    loss_weights=[1.0, 0.5],
)
model.summary()
