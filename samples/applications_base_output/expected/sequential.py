"""Transfer learning head on a frozen MobileNetV2 (no pretrained weights here), via base.output."""

import keras
from keras import layers

base = keras.applications.MobileNetV2(
    input_shape=(32, 32, 3), include_top=False, weights=None, alpha=0.35
)
base.trainable = False
model = keras.Sequential(
    [
        keras.Input(shape=(32, 32, 3)),
        base,
        layers.GlobalAveragePooling2D(),
        layers.Dropout(0.2),
        layers.Dense(5, activation="softmax", name="flower_probs"),
    ],
    name="mobilenet_transfer",
)
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
