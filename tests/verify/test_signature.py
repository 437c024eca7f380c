"""Inputs from the IR: shapes from either file or the user, integer bounds from an Embedding."""

from __future__ import annotations

import textwrap

import pytest

from kcodegen.frontend import parse_models
from kcodegen.ir import ModelGraph
from kcodegen.verify import InputError, InputSignature
from kcodegen.verify.signature import input_signature


def model(source: str) -> ModelGraph:
    (graph,) = parse_models(textwrap.dedent(source)).models
    return graph


TEXT = model("""\
    import keras
    VOCAB = 50
    tokens = keras.Input((None,), dtype="int32", name="tokens")
    extra = keras.Input((3,), name="extra")
    x = keras.layers.Embedding(VOCAB, 4)(tokens)
    x = keras.layers.GlobalAveragePooling1D()(x)
    x = keras.layers.Concatenate()([x, extra])
    model = keras.Model({"tokens": tokens, "extra": extra}, keras.layers.Dense(1)(x))
""")

SUBCLASS = model("""\
    import keras

    class Net(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = keras.layers.Dense(2)

        def call(self, inputs):
            return self.dense(inputs)

    model = Net()
""")


def test_dict_inputs_keep_keys_and_embedding_inputs_are_integers_below_input_dim() -> None:
    specs, structure = input_signature(TEXT, TEXT)
    assert structure == "dict"
    assert specs == [
        InputSignature("tokens", (None,), "int32", None, "VOCAB"),
        InputSignature("extra", (3,), "float32"),
    ]


def test_a_literal_input_dim_is_a_number() -> None:
    literal = model("""\
        import keras
        tokens = keras.Input((7,))
        model = keras.Model(tokens, keras.layers.Embedding(input_dim=30, output_dim=2)(tokens))
    """)
    (spec,), structure = input_signature(literal, literal)
    assert (spec.dtype, spec.maxval, spec.maxval_text, structure) == ("int32", 30, None, "single")


def test_an_unknown_shape_comes_from_the_other_file_or_the_user() -> None:
    functional = model("""\
        import keras
        inputs = keras.Input((5,))
        model = keras.Model(inputs, keras.layers.Dense(2)(inputs))
    """)
    with pytest.raises(InputError, match=r"shape of input `inputs` is unknown; pass --input-shape"):
        input_signature(SUBCLASS, SUBCLASS)
    (spec,), _ = input_signature(SUBCLASS, functional)
    assert spec.shape == (5,)
    (spec,), _ = input_signature(SUBCLASS, functional, input_shapes={"inputs": (9,)})
    assert spec.shape == (9,)


def test_input_ranges_apply_to_one_input_or_all() -> None:
    specs, _ = input_signature(TEXT, TEXT, input_ranges={None: (0, 2), "extra": (-1, 1)})
    assert [spec.value_range for spec in specs] == [(0, 2), (-1, 1)]
    with pytest.raises(InputError, match="names no input of the model: nope"):
        input_signature(TEXT, TEXT, input_ranges={"nope": (0, 1)})
