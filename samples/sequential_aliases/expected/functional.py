import numpy as np
from keras import layers as L
from keras import models

NUM_FEATURES = 20
NUM_CLASSES = 3

inputs = L.Input(shape=(NUM_FEATURES,))
x = L.Dense(64, activation="relu")(inputs)
x = L.BatchNormalization()(x)
outputs = L.Dense(NUM_CLASSES, activation="softmax")(x)
model = models.Model(inputs=inputs, outputs=outputs)

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
