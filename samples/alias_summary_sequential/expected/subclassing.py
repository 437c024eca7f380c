import keras
from keras import layers

# The discriminator of a small GAN, as keras-io examples write it.
class Discriminator(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.conv2d = layers.Conv2D(16, 3, strides=2, padding="same")
        self.leaky_re_lu = layers.LeakyReLU(negative_slope=0.2)
        self.conv2d_1 = layers.Conv2D(32, 3, strides=2, padding="same")
        self.leaky_re_lu_1 = layers.LeakyReLU(negative_slope=0.2)
        self.global_max_pooling2d = layers.GlobalMaxPooling2D()
        self.dense = layers.Dense(1)

    def call(self, inputs):
        x = self.conv2d(inputs)
        x = self.leaky_re_lu(x)
        x = self.conv2d_1(x)
        x = self.leaky_re_lu_1(x)
        x = self.global_max_pooling2d(x)
        return self.dense(x)


discriminator = Discriminator(name="discriminator")
discriminator(keras.Input(shape=(28, 28, 1)))
discriminator.summary()

model = discriminator  # the training code below calls it `model`
model.compile(
    optimizer=keras.optimizers.Adam(learning_rate=0.0003),
    loss=keras.losses.BinaryCrossentropy(from_logits=True),
)
