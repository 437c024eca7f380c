import keras
from keras import layers

# two feature vectors to compare
class MyModel(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # the same encoder (same weights) is applied to both sides
        self.shared = layers.Dense(8, activation="relu")
        self.subtract = layers.Subtract()
        self.similarity = layers.Dense(1, activation="sigmoid", name="similarity")

    def call(self, inputs):
        if isinstance(inputs, dict):  # keyed by the inputs' names
            left_input, right_input = inputs["left"], inputs["right"]
        else:
            left_input, right_input = inputs
        left_encoded = self.shared(left_input)
        right_encoded = self.shared(right_input)
        difference = self.subtract([left_encoded, right_encoded])
        return self.similarity(difference)


model = MyModel()
model([keras.Input(shape=(16,), name="left"), keras.Input(shape=(16,), name="right")])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.summary()
