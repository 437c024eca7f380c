"""Pairing layers by graph structure: branches, shared layers, changed arguments, other orders."""

from __future__ import annotations

import textwrap
from pathlib import Path

from kcodegen.convert import convert
from kcodegen.frontend import parse_models
from kcodegen.ir import ModelGraph
from kcodegen.verify import added_classes, correspond

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


def model(source: str) -> ModelGraph:
    (graph,) = parse_models(textwrap.dedent(source)).models
    return graph


def layer_pairs(original: ModelGraph, converted: ModelGraph) -> list[tuple[str, str]]:
    """(original layer as `line:args`, converted layer as `name:args`) for every pair."""
    pairs = correspond(original, converted).layers
    ours, theirs = original.layer_by_id, converted.layer_by_id
    return [
        (
            f"{ours[a].span.line}:{','.join(ours[a].args)}",
            f"{theirs[b].var_name}:{','.join(theirs[b].args)}",
        )
        for a, b in pairs
    ]


FUNCTIONAL = """\
    import keras
    from keras import layers

    inputs = {"a": keras.Input((3,), name="a"), "b": keras.Input((2,), name="b")}
    merged = layers.concatenate([inputs["a"], inputs["b"]])
    hidden = layers.Dense(8, activation="relu")(merged)
    model = keras.Model(
        inputs,
        {"score": layers.Dense(1, activation="sigmoid")(hidden), "label": layers.Dense(4)(hidden)},
    )
"""

# The same computation, its layers created in another order and named otherwise.
SUBCLASS = """\
    import keras
    from keras import layers


    class Net(keras.Model):
        def __init__(self):
            super().__init__()
            self.label = layers.Dense(4)
            self.score = layers.Dense(1, activation="sigmoid")
            self.hidden = layers.Dense(8, activation="relu")

        def call(self, inputs):
            merged = layers.concatenate([inputs["a"], inputs["b"]])
            hidden = self.hidden(merged)
            return {"label": self.label(hidden), "score": self.score(hidden)}


    model = Net()
"""


def test_pairs_follow_the_computation_not_the_creation_order() -> None:
    pairs = layer_pairs(model(FUNCTIONAL), model(SUBCLASS))
    assert sorted(pairs) == [
        ("5:", "None:"),  # the concatenate helper, created inside call()
        ("6:8", "hidden:8"),
        ("9:1", "score:1"),
        ("9:4", "label:4"),
    ]


def test_changed_arguments_still_pair_so_the_difference_can_be_named() -> None:
    changed = SUBCLASS.replace('Dense(1, activation="sigmoid")', 'Dense(1, activation="tanh")')
    result = correspond(model(FUNCTIONAL), model(changed))
    assert len(result.layers) == 4
    assert result.unpaired_original == result.unpaired_converted == ()
    assert result.notes == ()


def test_calls_pair_in_the_original_order() -> None:
    original, converted = model(FUNCTIONAL), model(SUBCLASS)
    nodes = correspond(original, converted).nodes
    assert [a for a, _ in nodes] == [
        s for s in original.order if s in {n.id for n in original.nodes}
    ]
    layer_of = {node.id: converted.layer_by_id[node.layer].var_name for node in converted.nodes}
    assert [layer_of[b] for _, b in nodes][1] == "hidden"


def test_sibling_branches_on_one_tensor_pair_by_what_follows_them() -> None:
    """Two Conv2D on the same tensor differ only downstream; the backward walk tells them apart."""
    source = (SAMPLES / "cnn_inception_block" / "model.py").read_text()
    conversion = convert(source, "subclassing")
    original = conversion.models[0]
    blocks = added_classes(source, conversion.output)  # ConvBlock, InceptionBlock: read through
    converted = parse_models(conversion.output, follow=blocks).models[0]
    result = correspond(original, converted)
    assert len(result.layers) == len(original.layers) == 19
    ours, theirs = original.layer_by_id, converted.layer_by_id
    assert all(ours[a].args == theirs[b].args for a, b in result.layers)


def test_a_shared_layer_pairs_with_one_layer_at_every_call() -> None:
    source = (SAMPLES / "siamese_shared_dense" / "model.py").read_text()
    conversion = convert(source, "subclassing")
    original = conversion.models[0]
    converted = parse_models(conversion.output).models[0]
    result = correspond(original, converted)
    shared = next(layer.id for layer in original.layers if layer.var_name == "shared")
    assert len(original.nodes_of(shared)) == 2
    (twin,) = [b for a, b in result.layers if a == shared]
    calls = {a: b for a, b in result.nodes}
    assert {converted.step_by_id[calls[n.id]].layer for n in original.nodes_of(shared)} == {twin}


def test_a_layer_of_another_class_stays_unpaired_with_a_note() -> None:
    original = model("""\
        import keras
        inputs = keras.Input((4,))
        x = keras.layers.Dense(8)(inputs)
        model = keras.Model(inputs, keras.layers.Dense(2)(x))
    """)
    converted = model("""\
        import keras
        inputs = keras.Input((4,))
        x = keras.layers.Conv1D(8, 1)(inputs)
        model = keras.Model(inputs, keras.layers.Dense(2)(x))
    """)
    result = correspond(original, converted)
    assert len(result.layers) == 1
    (unpaired,) = result.unpaired_original
    assert original.layer_by_id[unpaired].span.line == 3
    assert result.notes == ("line 3 Dense vs line 3 Conv1D: different layer classes",)


def test_layers_before_a_difference_pair_forwards_from_the_inputs() -> None:
    """The backward walk stops where the structures part; the forward walk pairs what comes before."""
    original = model("""\
        import keras
        inputs = keras.Input((4,))
        x = keras.layers.Dense(8)(inputs)
        x = keras.layers.Dense(4)(x)
        model = keras.Model(inputs, keras.layers.Dense(2)(x))
    """)
    converted = model("""\
        import keras
        inputs = keras.Input((4,))
        x = keras.layers.Dense(8)(inputs)
        x = keras.layers.Dropout(0.5)(x)
        x = keras.layers.Dense(4)(x)
        model = keras.Model(inputs, keras.layers.Dense(2)(x))
    """)
    result = correspond(original, converted)
    lines = {
        (original.layer_by_id[a].span.line, converted.layer_by_id[b].span.line)
        for a, b in result.layers
    }
    assert lines == {(3, 3), (4, 5), (5, 6)}
    (dropout,) = result.unpaired_converted
    assert converted.layer_by_id[dropout].cls == "keras.layers.Dropout"
    assert result.notes == ("line 3 Dense vs line 4 Dropout: different layer classes",)


def test_swapped_inputs_do_not_pair() -> None:
    original = model("""\
        import keras
        a = keras.Input((4,))
        b = keras.Input((4,))
        model = keras.Model([a, b], keras.layers.Dense(2)(a))
    """)
    swapped = model("""\
        import keras
        a = keras.Input((4,))
        b = keras.Input((4,))
        model = keras.Model([a, b], keras.layers.Dense(2)(b))
    """)
    result = correspond(original, swapped)
    assert result.layers != ()  # the Dense still pairs with the Dense ...
    assert result.notes == ("input `a` vs input `b`: different inputs",)  # ... but not its input
