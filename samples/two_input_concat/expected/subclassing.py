from tensorflow.keras.models import Model
from tensorflow.keras.layers import Input, Dense, Concatenate

# Define two input layers
class MyModel(Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.dense_1 = Dense(64, activation='relu', name='dense_1')
        self.dense_2 = Dense(64, activation='relu', name='dense_2')
        self.concat = Concatenate(name='concat')
        self.dense_3 = Dense(32, activation='tanh', name='dense_3')
        self.output_layer = Dense(10, activation='softmax', name='output')

    def call(self, inputs):
        if isinstance(inputs, dict):  # keyed by the inputs' names
            input1, input2 = inputs["input_1"], inputs["input_2"]
        else:
            input1, input2 = inputs
        # First branch
        x1 = self.dense_1(input1)
        # Second branch
        x2 = self.dense_2(input2)
        # Concatenate the outputs
        concat = self.concat([x1, x2])
        # Final layers
        x = self.dense_3(concat)
        return self.output_layer(x)


# Define the model with two inputs and one output
model = MyModel()
model([Input(shape=(784,), name='input_1'), Input(shape=(784,), name='input_2')])

model.compile(optimizer='adam', loss='categorical_crossentropy', metrics=['accuracy'])
