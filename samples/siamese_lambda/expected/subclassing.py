"""Siamese network on vectors: shared Functional embedding, Euclidean distance in a Lambda layer."""

import keras
from keras import layers, ops


def euclidean_distance(vects):
    x, y = vects
    sum_square = ops.sum(ops.square(x - y), axis=1, keepdims=True)
    return ops.sqrt(ops.maximum(sum_square, keras.backend.epsilon()))


class Embedding(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.dense = layers.Dense(32, activation="relu")
        self.dense_1 = layers.Dense(8)

    def call(self, emb_in):
        e = self.dense(emb_in)
        return self.dense_1(e)


embedding_network = Embedding(name="embedding")
embedding_network(keras.Input(shape=(32,)))

class SiameseModel(keras.Model):
    def __init__(self, embedding_network, **kwargs):
        super().__init__(**kwargs)
        self.embedding_network = embedding_network
        self.lambda_layer = layers.Lambda(euclidean_distance, output_shape=(1,))
        self.batch_normalization = layers.BatchNormalization()
        self.dense = layers.Dense(1, activation="sigmoid")

    def call(self, inputs, training=None):
        if isinstance(inputs, dict):  # keyed by the inputs' names
            input_1, input_2 = inputs["a"], inputs["b"]
        else:
            input_1, input_2 = inputs
        tower_1 = self.embedding_network(input_1)
        tower_2 = self.embedding_network(input_2)
        merge_layer = self.lambda_layer([tower_1, tower_2])
        normal_layer = self.batch_normalization(merge_layer, training=training)
        return self.dense(normal_layer)


siamese = SiameseModel(embedding_network)
siamese([keras.Input(shape=(32,), name="a"), keras.Input(shape=(32,), name="b")])
siamese.compile(loss="binary_crossentropy", optimizer="rmsprop")
