import keras

# Boston housing: 13 numeric features, one price to predict
(x_train, y_train), (x_test, y_test) = keras.datasets.boston_housing.load_data()

mean = x_train.mean(axis=0)
std = x_train.std(axis=0)
x_train = (x_train - mean) / std
x_test = (x_test - mean) / std

class Regressor(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.hidden_1 = keras.layers.Dense(64, activation="relu", name="hidden_1")
        self.dropout = keras.layers.Dropout(0.2, name="dropout")
        self.hidden_2 = keras.layers.Dense(32, activation="relu", name="hidden_2")
        self.price = keras.layers.Dense(1, name="price")

    def call(self, inputs, training=None):
        x = self.hidden_1(inputs)
        x = self.dropout(x, training=training)
        x = self.hidden_2(x)
        return self.price(x)


model = Regressor(name="regressor")
model(keras.Input(shape=(13,)))

model.compile(optimizer="adam", loss="mse", metrics=["mae"])
model.summary()

model.fit(x_train, y_train, epochs=100, batch_size=16, validation_split=0.1, verbose=0)
test_mse, test_mae = model.evaluate(x_test, y_test, verbose=0)
print(f"Test MAE: {test_mae:.2f}")
