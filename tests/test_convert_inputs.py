"""Inputs across conversions: dict keys become Input names, and a generated subclass keeps the input
shapes and dtypes in a symbolic call, so converting it back finds them."""

from __future__ import annotations

import textwrap

from kcodegen.convert import convert
from kcodegen.frontend import parse_models


def test_dict_inputs_of_a_functional_model_are_named_by_their_keys() -> None:
    source = textwrap.dedent(
        """\
        import keras


        class Net(keras.Model):
            def __init__(self):
                super().__init__()
                self.a = keras.layers.Dense(4)
                self.b = keras.layers.Dense(4)

            def call(self, inputs):
                return self.a(inputs["title"]) + self.b(inputs["body"])


        model = Net()
        model.build({"title": (None, 6), "body": (None, 3)})
        """
    )
    output = convert(source, "functional").output
    assert 'keras.Input(shape=(6,), name="title")' in output
    assert 'keras.Input(shape=(3,), name="body")' in output
    assert 'inputs={"title": title, "body": body}' in output
    assert "model.build" not in output  # it only served the subclass


def test_a_subclass_written_from_functional_converts_back_with_shapes_and_dtypes() -> None:
    source = textwrap.dedent(
        """\
        import keras

        tokens = keras.Input(shape=(None,), dtype="int32")
        x = keras.layers.Embedding(100, 8)(tokens)
        outputs = keras.layers.GlobalAveragePooling1D()(x)
        model = keras.Model(inputs=tokens, outputs=outputs)
        """
    )
    subclass = convert(source, "subclassing").output
    assert 'model(keras.Input(shape=(None,), dtype="int32"))' in subclass
    assert convert(subclass, "subclassing").output == subclass
    back = convert(subclass, "functional").output
    (graph,) = parse_models(back).models
    (spec,) = graph.inputs
    assert (spec.shape, spec.dtype) == ((None,), "int32")
    assert back.count("keras.Input(") == 1  # the build call is replaced, not kept beside


def test_a_sequential_built_by_build_gets_its_input_shape() -> None:
    for call in ("model.build((None, 8))", "model.build(input_shape=(None, 8))"):
        source = f"import keras\n\nmodel = keras.Sequential([keras.layers.Dense(4)])\n{call}\n"
        output = convert(source, "functional").output
        assert "keras.Input(shape=(8,))" in output
        assert "build" not in output


def test_an_input_made_in_a_builder_keeps_the_builders_names() -> None:
    source = textwrap.dedent(
        """\
        import keras


        def make_decoder(latent=8, output_dim=64):
            return keras.Sequential(
                [keras.Input(shape=(latent,)), keras.layers.Dense(output_dim)], name="decoder"
            )


        decoder = make_decoder()
        """
    )
    output = convert(source, "functional").output
    assert "inputs = keras.Input(shape=(latent,))" in output
    assert "keras.layers.Dense(output_dim)(inputs)" in output
