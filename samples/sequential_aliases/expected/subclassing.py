import numpy as np
from keras import layers as L
from keras import models

NUM_FEATURES = 20
NUM_CLASSES = 3

class MyModel(models.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.dense = L.Dense(64, activation="relu")
        self.batch_normalization = L.BatchNormalization()
        self.dense_1 = L.Dense(NUM_CLASSES, activation="softmax")

    def call(self, inputs, training=None):
        x = self.dense(inputs)
        x = self.batch_normalization(x, training=training)
        return self.dense_1(x)


model = MyModel()
model(L.Input(shape=(NUM_FEATURES,)))

model.compile(
    optimizer="adam",
    loss="sparse_categorical_crossentropy",
    metrics=["accuracy"],
)

# synthetic tabular data
rng = np.random.default_rng(0)
x = rng.normal(size=(512, NUM_FEATURES)).astype("float32")
y = rng.integers(0, NUM_CLASSES, size=(512,))
model.fit(x, y, epochs=5, batch_size=32)
