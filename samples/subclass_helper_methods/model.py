"""Subclassed CNN whose __init__ and call() use helper methods and loops over a tuple of stages."""

import keras
from keras import layers


class StagedCNN(keras.Model):
    STAGES = (8, 16)

    def __init__(self, num_classes=10):
        super().__init__()
        self.convs = []
        self.norms = []
        for filters in self.STAGES:
            conv, norm = self._conv_bn(filters)
            self.convs.append(conv)
            self.norms.append(norm)
        self.pool = layers.MaxPooling2D()
        self.gap = layers.GlobalAveragePooling2D()
        self.head = layers.Dense(num_classes)

    @staticmethod
    def _conv_bn(filters):
        return layers.Conv2D(filters, 3, padding="same", use_bias=False), layers.BatchNormalization()

    def _stage(self, x, i, training):
        x = self.convs[i](x)
        x = self.norms[i](x, training=training)
        x = keras.activations.relu(x)
        return self.pool(x)

    def call(self, images, training=False):
        x = images
        for i in range(len(self.STAGES)):
            x = self._stage(x, i, training)
        return self.head(self.gap(x))


model = StagedCNN()
model.build((None, 16, 16, 3))
