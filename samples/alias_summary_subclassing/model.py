import keras
from keras import layers


class Critic(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.hidden = layers.Dense(32, activation="relu")
        self.score = layers.Dense(1)

    def call(self, inputs):
        return self.score(self.hidden(inputs))


critic = Critic(name="critic")
critic(keras.ops.zeros((1, 16)))  # creates the weights
critic.summary()

model = critic
model.compile(optimizer="rmsprop", loss="mse")
