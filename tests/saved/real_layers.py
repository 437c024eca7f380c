"""A custom layer as people register them, for ``test_real_models.py``: a token embedding plus a
learned position embedding, its two ``Embedding`` layers made in its constructor."""

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
