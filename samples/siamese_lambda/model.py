"""Siamese network on vectors: shared Functional embedding, Euclidean distance in a Lambda layer."""

import keras
from keras import layers, ops


def euclidean_distance(vects):
    x, y = vects
    sum_square = ops.sum(ops.square(x - y), axis=1, keepdims=True)
    return ops.sqrt(ops.maximum(sum_square, keras.backend.epsilon()))


emb_in = keras.Input(shape=(32,))
e = layers.Dense(32, activation="relu")(emb_in)
e = layers.Dense(8)(e)
embedding_network = keras.Model(emb_in, e, name="embedding")

input_1 = keras.Input(shape=(32,), name="a")
input_2 = keras.Input(shape=(32,), name="b")
tower_1 = embedding_network(input_1)
tower_2 = embedding_network(input_2)
merge_layer = layers.Lambda(euclidean_distance, output_shape=(1,))([tower_1, tower_2])
normal_layer = layers.BatchNormalization()(merge_layer)
output_layer = layers.Dense(1, activation="sigmoid")(normal_layer)
siamese = keras.Model(inputs=[input_1, input_2], outputs=output_layer)
siamese.compile(loss="binary_crossentropy", optimizer="rmsprop")
