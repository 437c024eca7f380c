import keras
from keras import layers


critic = keras.Sequential(
    [
        keras.Input(shape=(16,)),
        layers.Dense(32, activation="relu"),
        layers.Dense(1),
    ],
    name="critic",
)
critic.summary()

model = critic
model.compile(optimizer="rmsprop", loss="mse")
