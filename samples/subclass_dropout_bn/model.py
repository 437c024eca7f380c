import keras
from keras import layers


class MLPClassifier(keras.Model):
    def __init__(self):
        super().__init__()
        self.dense = layers.Dense(64, activation="relu")
        self.batch_norm = layers.BatchNormalization()
        self.dropout = layers.Dropout(0.3)
        self.classifier = layers.Dense(10, activation="softmax")

    def call(self, inputs, training=False):
        x = self.dense(inputs)
        x = self.batch_norm(x, training=training)
        x = self.dropout(x, training=training)
        return self.classifier(x)


model = MLPClassifier()
model.build((None, 32))
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.summary()
