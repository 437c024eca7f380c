import keras
from keras import layers

# two feature vectors to compare
left_input = keras.Input(shape=(16,), name="left")
right_input = keras.Input(shape=(16,), name="right")

# the same encoder (same weights) is applied to both sides
shared = layers.Dense(8, activation="relu")
left_encoded = shared(left_input)
right_encoded = shared(right_input)

difference = layers.subtract([left_encoded, right_encoded])
similarity = layers.Dense(1, activation="sigmoid", name="similarity")(difference)

model = keras.models.Model(inputs=[left_input, right_input], outputs=similarity)
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.summary()
