from tensorflow.keras.models import Model
from tensorflow.keras.layers import Input, Dense, concatenate

# Define two input layers
input1 = Input(shape=(784,), name='input_1')
input2 = Input(shape=(784,), name='input_2')

# First branch
x1 = Dense(64, activation='relu', name='dense_1')(input1)

# Second branch
x2 = Dense(64, activation='relu', name='dense_2')(input2)

# Concatenate the outputs
concat = concatenate([x1, x2], name='concat')

# Final layers
x = Dense(32, activation='tanh', name='dense_3')(concat)
outputs = Dense(10, activation='softmax', name='output')(x)

# Define the model with two inputs and one output
model = Model(inputs=[input1, input2], outputs=outputs)

model.compile(optimizer='adam', loss='categorical_crossentropy', metrics=['accuracy'])
