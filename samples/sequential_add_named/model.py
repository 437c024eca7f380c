import keras

# Boston housing: 13 numeric features, one price to predict
(x_train, y_train), (x_test, y_test) = keras.datasets.boston_housing.load_data()

mean = x_train.mean(axis=0)
std = x_train.std(axis=0)
x_train = (x_train - mean) / std
x_test = (x_test - mean) / std

model = keras.Sequential(name="regressor")
model.add(keras.Input(shape=(13,)))
model.add(keras.layers.Dense(64, activation="relu", name="hidden_1"))
model.add(keras.layers.Dropout(0.2, name="dropout"))
model.add(keras.layers.Dense(32, activation="relu", name="hidden_2"))
model.add(keras.layers.Dense(1, name="price"))

model.compile(optimizer="adam", loss="mse", metrics=["mae"])
model.summary()

model.fit(x_train, y_train, epochs=100, batch_size=16, validation_split=0.1, verbose=0)
test_mse, test_mae = model.evaluate(x_test, y_test, verbose=0)
print(f"Test MAE: {test_mae:.2f}")
