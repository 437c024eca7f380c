"""Custom layers as people register them, for the saved-model tests: a token embedding plus a
learned position embedding, its two ``Embedding`` layers made in its constructor
(``test_real_models.py``), and a learned scale (``test_round_trip.py``)."""

import keras
from keras import layers, ops


@keras.saving.register_keras_serializable(package="kcgreal")
class TokenAndPosition(layers.Layer):
    def __init__(self, length, vocabulary, width, **kwargs):
        super().__init__(**kwargs)
        self.length, self.vocabulary, self.width = length, vocabulary, width
        self.tokens = layers.Embedding(vocabulary, width)
        self.positions = layers.Embedding(length, width)

    def call(self, x):
        return self.tokens(x) + self.positions(ops.arange(0, ops.shape(x)[-1]))

    def get_config(self):
        sizes = {"length": self.length, "vocabulary": self.vocabulary, "width": self.width}
        return {**super().get_config(), **sizes}


@keras.saving.register_keras_serializable(package="kcgreal")
class Scale(layers.Layer):
    def __init__(self, factor=1.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def build(self, shape):
        self.w = self.add_weight(shape=(shape[-1],), initializer="ones", name="w")

    def call(self, x):
        return x * self.w * self.factor

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}
