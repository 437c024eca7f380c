"""Transfer learning head on a frozen MobileNetV2 (no pretrained weights here), via base.output."""

import keras
from keras import layers

class MobilenetTransfer(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.base = keras.applications.MobileNetV2(
            input_shape=(32, 32, 3), include_top=False, weights=None, alpha=0.35
        )
        self.base.trainable = False
        self.global_average_pooling2d = layers.GlobalAveragePooling2D()
        self.dropout = layers.Dropout(0.2)
        self.flower_probs = layers.Dense(5, activation="softmax", name="flower_probs")

    def call(self, inputs, training=None):
        x = self.base(inputs, training=training)
        x = self.global_average_pooling2d(x)
        x = self.dropout(x, training=training)
        return self.flower_probs(x)


model = MobilenetTransfer(name="mobilenet_transfer")
model(keras.Input(shape=(32, 32, 3)))
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
