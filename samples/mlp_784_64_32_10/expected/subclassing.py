from tensorflow.keras.models import Model
from tensorflow.keras.layers import Dense, Input

class MyModel(Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.dense = Dense(64, activation='relu')
        self.dense_1 = Dense(32, activation='tanh')
        self.dense_2 = Dense(10, activation='softmax')

    def call(self, inputs):
        x = self.dense(inputs)
        x = self.dense_1(x)
        return self.dense_2(x)


model = MyModel()
model(Input(shape=(784,)))

model.compile(optimizer='adam', loss='categorical_crossentropy', metrics=['accuracy'])
