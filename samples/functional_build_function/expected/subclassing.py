from tensorflow import keras


class Clf(keras.Model):
    def __init__(self, num_classes, **kwargs):
        super().__init__(**kwargs)
        self.dense = keras.layers.Dense(64, activation="relu")
        self.dropout = keras.layers.Dropout(0.5)
        self.dense_1 = keras.layers.Dense(num_classes, activation="softmax")

    def call(self, inputs, training=None):
        x = self.dense(inputs)
        x = self.dropout(x, training=training)
        return self.dense_1(x)


def build_model(num_classes=5):
    model = Clf(num_classes=num_classes, name="clf")
    model(keras.Input(shape=(32,)))
    return model


model = build_model()
model.compile(
    optimizer=keras.optimizers.Adam(learning_rate=1e-3),
    loss="sparse_categorical_crossentropy",
    metrics=["accuracy"],
)
