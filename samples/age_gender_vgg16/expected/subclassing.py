import os

import numpy as np
from tensorflow.keras.applications import VGG16
from tensorflow.keras.layers import Dense, Flatten, Input
from tensorflow.keras.models import Model
from tensorflow.keras.utils import img_to_array, load_img

# UTKFace images, file names look like "<age>_<gender>_<race>_<date>.jpg"
DATA_DIR = "UTKFace"

images, ages, genders = [], [], []
for filename in sorted(os.listdir(DATA_DIR)):
    age, gender = filename.split("_")[:2]
    image = load_img(os.path.join(DATA_DIR, filename), target_size=(200, 200))
    images.append(img_to_array(image) / 255.0)
    ages.append(int(age))
    genders.append(int(gender))

images = np.array(images)
ages = np.array(ages, dtype="float32")
genders = np.array(genders, dtype="float32")

class MyModel(Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.vgg = VGG16(include_top=False, input_shape=(200,200,3), weights=None)
        self.vgg.trainable = False
        self.flatten = Flatten()
        self.dense = Dense(512, activation='relu')
        self.dense_1 = Dense(512, activation='relu')
        self.dense_2 = Dense(512, activation='relu')
        self.dense_3 = Dense(512, activation='relu')
        self.age = Dense(1, activation='linear', name='Age')
        self.gender = Dense(1, activation='sigmoid', name='Gender')

    def call(self, inputs, training=None):
        output = self.vgg(inputs, training=training)
        flatten = self.flatten(output)
        Dense1 = self.dense(flatten)  #Age
        Dense2 = self.dense_1(flatten)  #Gender
        Dense3 = self.dense_2(Dense1)  #Age
        Dense4 = self.dense_3(Dense2)  #Gender
        output1 = self.age(Dense3)
        output2 = self.gender(Dense4)
        return [output1, output2]


model = MyModel()
model(Input(shape=(200,200,3)))
model.compile(optimizer='adam', loss=['mse', 'binary_crossentropy'], metrics={'Age': 'mae', 'Gender': 'accuracy'})
model.summary()

history = model.fit(images, [ages, genders], validation_split=0.2, epochs=10, batch_size=32)
