"""What the interpreter knows about Keras: one mixin per kind of Keras object (see the package docstring)."""
