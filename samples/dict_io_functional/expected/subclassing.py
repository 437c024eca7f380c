import numpy as np
import keras
from keras import layers

num_departments = 4

class MyModel(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.concatenate = layers.Concatenate()
        self.dense = layers.Dense(32, activation="relu")
        self.department = layers.Dense(num_departments, activation="softmax", name="department")
        self.priority = layers.Dense(1, activation="sigmoid", name="priority")

    def call(self, inputs):
        title = inputs["title"]
        body = inputs["body"]
        features = self.concatenate([title, body])
        features = self.dense(features)
        priority_pred = self.priority(features)
        department_pred = self.department(features)
        return {"priority": priority_pred, "department": department_pred}


model = MyModel()
model(
    {
        "title": keras.Input(shape=(10,), name="title"),
        "body": keras.Input(shape=(20,), name="body"),
    }
)

model.compile(
    optimizer="rmsprop",
    loss={"priority": "binary_crossentropy", "department": "categorical_crossentropy"},
    loss_weights={"priority": 1.0, "department": 0.2},
)

# dummy data keyed by input and output names
title_data = np.random.random((128, 10))
body_data = np.random.random((128, 20))
priority_targets = np.random.random((128, 1))
department_targets = np.eye(num_departments)[np.random.randint(num_departments, size=128)]

model.fit(
    {"title": title_data, "body": body_data},
    {"priority": priority_targets, "department": department_targets},
    epochs=2,
    batch_size=32,
)
