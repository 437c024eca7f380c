import keras
from keras import layers


inputs = keras.Input(shape=(16,))
x = layers.Dense(32, activation="relu")(inputs)
outputs = layers.Dense(1)(x)
critic = keras.Model(inputs=inputs, outputs=outputs, name="critic")
critic.summary()

model = critic
model.compile(optimizer="rmsprop", loss="mse")
