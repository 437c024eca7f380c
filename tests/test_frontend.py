"""The frontend on small snippets: import forms, the three styles, sites, and what it refuses."""

from __future__ import annotations

import textwrap

import pytest

from kcodegen.convert import convert
from kcodegen.errors import BadInput
from kcodegen.frontend import parse_models, select_models
from kcodegen.ir import ArgScope, format_graph

IMPORT_FORMS = {
    "keras": ("import keras", "keras.Sequential", "keras.layers.Dense"),
    "tf.keras": ("import tensorflow as tf", "tf.keras.Sequential", "tf.keras.layers.Dense"),
    "tensorflow.keras": (
        "import tensorflow.keras",
        "tensorflow.keras.Sequential",
        "tensorflow.keras.layers.Dense",
    ),
    "from-names": (
        "from tensorflow.keras.models import Sequential\nfrom tensorflow.keras.layers import Dense",
        "Sequential",
        "Dense",
    ),
    "layers-alias": ("from keras import layers as L, models", "models.Sequential", "L.Dense"),
    "models-module": ("import keras", "keras.models.Sequential", "keras.layers.Dense"),
    "from-tensorflow": ("from tensorflow import keras", "keras.Sequential", "keras.layers.Dense"),
}


def models_of(source: str, **kwargs):
    return parse_models(textwrap.dedent(source), **kwargs)


@pytest.mark.parametrize("form", IMPORT_FORMS.values(), ids=IMPORT_FORMS.keys())
def test_every_import_form_names_the_same_layers(form: tuple[str, str, str]) -> None:
    imports, sequential, dense = form
    parsed = models_of(
        f"{imports}\nmodel = {sequential}([{dense}(4, input_shape=(3,)), {dense}(1)])\n"
    )
    (graph,) = parsed.models
    assert graph.style == "sequential"
    assert [layer.cls for layer in graph.layers] == ["keras.layers.Dense"] * 2
    assert graph.inputs[0].shape == (3,)


def test_functional_graph_prints_stably() -> None:
    parsed = models_of(
        """
        from tensorflow import keras
        from tensorflow.keras import layers as L

        inputs = keras.Input(shape=(8,))
        shared = L.Dense(4)
        a = shared(inputs)
        b = shared(a)
        merged = L.add([a, b])
        outputs = L.Dense(1, name="out")(merged * 0.5)
        model = keras.Model(inputs, outputs, name="tiny")
        """
    )
    (graph,) = parsed.models
    assert format_graph(graph) == textwrap.dedent(
        """\
        model functional 'model' name='tiny'
          input %inputs: shape=(8,)
          %a = shared:Dense(4)(%inputs)  # line 7
          %b = shared:Dense(4)(%a)  # line 8
          %merged = Add()([%a, %b])  # line 9
          %t = op %merged * 0.5  # line 10
          %outputs = Dense(1, name="out")(%t)  # line 10
          output single %outputs
        """
    )


def test_sequential_built_with_add_keeps_name_and_input() -> None:
    (graph,) = models_of(
        """
        import keras
        model = keras.Sequential(name="reg")
        model.add(keras.layers.InputLayer(shape=(13,)))
        for units in (32, 16):
            model.add(keras.layers.Dense(units, activation="relu"))
        model.add(keras.layers.Dense(1))
        """
    ).models
    assert graph.keras_name == "reg"
    assert graph.inputs[0].shape == (13,)
    assert [layer.args for layer in graph.layers] == [("32",), ("16",), ("1",)]


def test_subclass_call_is_interpreted_with_training_forwarded() -> None:
    (graph,) = models_of(
        """
        import tensorflow as tf

        class Net(tf.keras.Model):
            def __init__(self, units=16):
                super().__init__()
                self.hidden = tf.keras.layers.Dense(units)
                self.drop = tf.keras.layers.Dropout(0.5)
                self.out = tf.keras.layers.Dense(2)

            def call(self, inputs, training=None):
                x = self.hidden(inputs)
                x = self.drop(x, training=training)
                return self.out(x)

        model = Net(units=8)
        model(tf.zeros((2, 5)))
        """
    ).models
    assert graph.style == "subclassing"
    assert graph.inputs[0].shape == (5,)
    assert [layer.var_name for layer in graph.layers] == ["hidden", "drop", "out"]
    assert graph.layers[0].args == ("8",)  # the constructor argument, not the parameter name
    assert all(node.kwargs == () for node in graph.nodes)  # training=training is implicit


def test_model_built_in_a_function_is_sited_in_it() -> None:
    (graph,) = models_of(
        """
        import keras

        def build(width=4):
            inputs = keras.Input((3,))
            outputs = keras.layers.Dense(width)(inputs)
            return keras.Model(inputs, outputs)

        model = build()
        """
    ).models
    assert graph.site.function == "build"
    assert graph.site.binding is None  # returned
    written = graph.layers[0].written_in(ArgScope.FUNCTION)
    assert written is not None and written.args == ("width",)
    assert graph.layers[0].args == ("4",)


def test_structure_from_run_time_values_is_refused_with_its_line() -> None:
    parsed = models_of(
        """
        import sys
        import keras
        inputs = keras.Input((3,))
        x = inputs
        for _ in range(int(sys.argv[1])):
            x = keras.layers.Dense(4)(x)
        model = keras.Model(inputs, x)
        """
    )
    assert not parsed.models
    (problem,) = parsed.problems
    assert problem.line == 6
    assert problem.message == (
        "`x` is bound in the loop at line 6, which runs over a value only known at run time"
    )


def test_disconnected_graph_is_refused() -> None:
    parsed = models_of(
        """
        import keras
        a = keras.Input((3,))
        b = keras.Input((3,))
        out = keras.layers.Add()([a, b])
        model = keras.Model(a, out)
        """
    )
    assert not parsed.models
    assert "graph disconnected" in parsed.problems[0].message


UNFOLLOWED_USES = {
    "operator": "out = layers.Dense(3)(inputs) + 0.5 * feat",
    "unary": "out = -feat",
    "subscript": "out = feat[:, :2]",
    "keras-ops": "out = ops.relu(feat)",
    "unpacking": "out, _ = feat",
}


@pytest.mark.parametrize("use", UNFOLLOWED_USES.values(), ids=UNFOLLOWED_USES.keys())
def test_a_tensor_kcg_could_not_follow_stays_unknown_through_operations(use: str) -> None:
    parsed = models_of(
        f"""
        import keras
        from keras import layers, ops
        base = keras.Sequential([keras.Input((4,)), layers.Dense(3), layers.Dense(3)])
        inputs = keras.Input(shape=(4,))
        feat = base.layers[0](inputs)
        {use}
        model = keras.Model(inputs, out)
        """
    )
    assert [g.name for g in parsed.models] == ["base"]  # not a model with a hole where `feat` was
    assert [(p.line, p.message) for p in parsed.problems] == [
        (
            6,
            "`base.layers[0]` taps an inner layer of a nested model; only its last layer is supported",
        ),
        (
            7,
            "`feat` is bound by line 6, where `base.layers[0]` taps an inner layer of a nested "
            "model; only its last layer is supported",
        ),
    ]


def test_unpacking_several_outputs_indexes_them() -> None:
    (model,) = models_of(
        """
        import keras
        from keras import layers, ops
        inputs = keras.Input(shape=(10, 8))
        value, gate = ops.split(layers.Dense(16)(inputs), 2, axis=-1)
        model = keras.Model(inputs, value * ops.sigmoid(gate))
        """
    ).models
    ops_text = [(op.text, op.render(["t"])) for op in model.ops[:3]]
    assert ops_text == [
        ("ops.split(layers.Dense(16)(inputs), 2, axis=-1)", "ops.split(t, 2, axis=-1)"),
        ("value, gate = ops.split(layers.Dense(16)(inputs), 2, axis=-1)", "t[0]"),
        ("value, gate = ops.split(layers.Dense(16)(inputs), 2, axis=-1)", "t[1]"),
    ]
    split = model.ops[0].outputs[0]
    assert model.tensor_by_id[split].name_hint == "value_gate"


SUBCLASS_TWO_INPUTS = """\
import keras


class Net(keras.Model):
    def __init__(self):
        super().__init__()
        self.a = keras.layers.Dense(4)
        self.b = keras.layers.Dense(4)

    def call(self, inputs):
        {unpack}
        return self.a(left) + self.b(right)


model = Net()
{shapes}
"""


@pytest.mark.parametrize(
    ("unpack", "shapes"),
    [
        ("left, right = inputs", "model.build([(None, 6), (None, 3)])"),
        ("left, right = inputs", "model([keras.ops.zeros((2, 6)), keras.ops.zeros((2, 3))])"),
        (
            'left, right = inputs["l"], inputs["r"]',
            'model.build({"r": (None, 3), "l": (None, 6)})',
        ),
        ("left, right = inputs", "model([keras.Input(shape=(6,)), keras.Input(shape=(3,))])"),
        (
            'left, right = inputs["l"], inputs["r"]',
            'model({"l": keras.Input(shape=(6,)), "r": keras.Input((3,))})',
        ),
    ],
)
def test_subclass_input_shapes_come_from_build_or_a_call(unpack: str, shapes: str) -> None:
    source = SUBCLASS_TWO_INPUTS.format(unpack=unpack, shapes=shapes)
    (graph,) = parse_models(source).models
    assert {spec.name: spec.shape for spec in graph.inputs} == {"left": (6,), "right": (3,)}
    assert graph.site.statements[-1] == 3  # the build right after the model is part of its site


def test_a_call_on_a_symbolic_input_gives_shape_and_dtype() -> None:
    source = SUBCLASS_TWO_INPUTS.format(
        unpack="left, right = inputs",
        shapes='model([keras.Input(shape=(None, 6), dtype="int32"), keras.Input(shape=(3,))])',
    )
    (graph,) = parse_models(source).models
    left, right = graph.inputs
    assert (left.shape, left.dtype, right.shape, right.dtype) == ((None, 6), "int32", (3,), None)
    assert ("dtype", '"int32"') in left.kwargs


def test_a_build_apart_from_the_model_stays_where_it_is() -> None:
    source = SUBCLASS_TWO_INPUTS.format(
        unpack="left, right = inputs", shapes="model.summary()\nmodel.build([(None, 6), (None, 3)])"
    )
    (graph,) = parse_models(source).models
    assert graph.inputs[0].shape == (6,)
    assert graph.site.statements == (2,)  # `model = Net()` only


def test_a_model_called_on_tensors_is_one_shared_layer_of_the_outer_model() -> None:
    source = textwrap.dedent(
        """\
        import keras

        encoder = keras.Sequential([keras.Input(shape=(5,)), keras.layers.Dense(3)])
        a = keras.Input(shape=(5,))
        b = keras.Input(shape=(5,))
        merged = keras.layers.Add()([encoder(a), encoder(b)])
        pair = keras.Model([a, b], merged)
        """
    )
    encoder, pair = parse_models(source).models
    (nested,) = [layer for layer in pair.layers if layer.is_model]
    assert (nested.callee, nested.submodel) == ("encoder", encoder.name)
    assert len(pair.nodes_of(nested.id)) == 2


def test_builtins_that_would_fail_or_explode_stay_opaque() -> None:
    assert parse_models("x = None\ny = len(x)\nz = list(range(10**12))\n").models == ()


LOOP_BUILT = """\
import keras

inputs = keras.Input(shape=(4,))
x = inputs
for units in (8, 4):
    x = keras.layers.Dense(units)(x)
{extra}model = keras.Model(inputs, x)
{after}"""


def test_a_loop_that_only_builds_is_part_of_the_site() -> None:
    (graph,) = parse_models(LOOP_BUILT.format(extra="", after="")).models
    assert graph.site.problem is None
    assert graph.site.statements == (1, 2, 3, 4)


def test_a_loop_whose_names_are_read_after_it_keeps_the_model_in_place() -> None:
    (graph,) = parse_models(LOOP_BUILT.format(extra="", after="print(units)\n")).models
    why = "`units`, which the statement around it sets, is used elsewhere"
    assert graph.site.problem == f"the model is built in a compound statement: {why}"
    assert graph.site.problem_line == 5


def test_a_loop_whose_names_an_earlier_statement_reads_is_part_of_the_site() -> None:
    """ConvNeXt loops over ``i`` twice: the first loop runs before the model's loop binds it."""
    source = LOOP_BUILT.replace(
        "inputs = keras", "for units in (1, 2):\n    print(units)\ninputs = keras"
    )
    (graph,) = parse_models(source.format(extra="", after="")).models
    assert graph.site.problem is None
    assert graph.site.statements == (2, 3, 4, 5)


def test_what_a_building_loop_does_besides_building_stays_in_a_loop_of_its_own() -> None:
    source = LOOP_BUILT.format(extra="    print(units)\n", after="")
    output = convert(source, "subclassing").output
    assert "for units in (8, 4):\n    print(units)\n" in output
    assert "keras.layers.Dense(units) for units in (8, 4)" in output  # the layers, in the class


@pytest.mark.parametrize(
    "layers",
    [
        "[keras.Input(shape=(8,))] + block(16) + [keras.layers.Dense(1)]",
        "[keras.Input(shape=(8,)), *block(16), keras.layers.Dense(1)]",
    ],
)
def test_a_sequential_list_built_from_lists(layers: str) -> None:
    source = (
        "import keras\n\n\ndef block(units):\n"
        "    return [keras.layers.Dense(units), keras.layers.ReLU()]\n\n\n"
        f"model = keras.Sequential({layers})\n"
    )
    (graph,) = parse_models(source).models
    assert [layer.cls.rsplit(".", 1)[-1] for layer in graph.layers] == ["Dense", "ReLU", "Dense"]


def test_subclass_helper_methods_and_class_constants_are_followed() -> None:
    source = textwrap.dedent(
        """\
        import keras


        class Net(keras.Model):
            SIZES = (8, 4)

            def __init__(self):
                super().__init__()
                self.denses = [keras.layers.Dense(n) for n in self.SIZES]

            def _block(self, x, layer):
                return keras.activations.relu(layer(x))

            def call(self, x):
                for layer in self.denses:
                    x = self._block(x, layer)
                return x


        model = Net()
        model(keras.Input(shape=(3,)))
        """
    )
    (graph,) = parse_models(source).models
    assert [layer.args for layer in graph.layers] == [("8",), ("4",)]
    assert [layer.attr_path for layer in graph.layers] == ["denses[0]", "denses[1]"]
    assert len(graph.ops) == 2  # the two relu calls


def test_asking_for_a_model_kcg_could_not_read_says_what_stopped_it() -> None:
    parsed = models_of(
        """
        import keras
        from keras import layers
        base = keras.Sequential([keras.Input((4,)), layers.Dense(3), layers.Dense(3)])
        inputs = keras.Input(shape=(4,))
        model = keras.Model(inputs, base.layers[0](inputs))
        """
    )

    with pytest.raises(BadInput) as error:
        select_models(parsed, "model")

    assert str(error.value.message) == (
        "no model named 'model' (models in this file: base); kcg did not understand line 6: "
        "`base.layers[0]` taps an inner layer of a nested model; only its last layer is supported"
    )


def test_a_loop_left_early_under_a_test_only_known_at_run_time_is_refused() -> None:
    parsed = models_of(
        """
        import os
        import keras
        inputs = keras.Input(shape=(20,))
        x = inputs
        for width in [64, 32, 16]:
            x = keras.layers.Dense(width)(x)
            if os.environ.get("SHALLOW"):
                break
        model = keras.Model(inputs, x)
        """
    )
    assert not parsed.models
    assert parsed.problems[0].line == 8
    assert parsed.problems[0].message == (
        "the `if` at line 8 decides whether a loop or function goes on, "
        "whose test is only known at run time"
    )


@pytest.mark.parametrize(
    ("loop", "widths"),
    [
        ("while units > 4:\n    x = keras.layers.Dense(units)(x)\n    units //= 2", [32, 16, 8]),
        ("while x.shape[-1] > 8:\n    x = keras.layers.Dense(x.shape[-1] // 2)(x)", [16, 8]),
        (
            "for units in (32, 16, 8):\n    if units == 16:\n        continue\n"
            "    x = keras.layers.Dense(units)(x)",
            [32, 8],
        ),
        (
            "for units in (32, 16, 8):\n    x = keras.layers.Dense(units)(x)\n"
            "    if units == 16:\n        break\nelse:\n    x = keras.layers.Dense(1)(x)",
            [32, 16],
        ),
        (
            "for units in (32, 16):\n    x = keras.layers.Dense(units)(x)\n"
            "else:\n    x = keras.layers.Dense(1)(x)",
            [32, 16, 1],
        ),
    ],
    ids=["while-counter", "while-shape", "continue", "break-skips-else", "else"],
)
def test_loops_are_followed_pass_by_pass(loop: str, widths: list[int]) -> None:
    source = "import keras\nunits = 32\ninputs = keras.Input(shape=(32,))\nx = inputs\n"
    source += f"{loop}\nmodel = keras.Model(inputs, x)\n"

    (model,) = parse_models(source).models

    assert [layer.args[0] for layer in model.layers] == [str(w) for w in widths]


def test_a_while_loop_on_a_value_only_known_at_run_time_is_refused() -> None:
    parsed = models_of(
        """
        import sys
        import keras
        inputs = keras.Input(shape=(20,))
        x = inputs
        while len(sys.argv) > 1:
            x = keras.layers.Dense(4)(x)
        model = keras.Model(inputs, x)
        """
    )
    assert not parsed.models
    assert parsed.problems[0].message == (
        "`x` is bound in the `while` loop at line 6, whose test is only known at run time"
    )


@pytest.mark.parametrize(("after", "in_site"), [("", True), ("print(len(taps))\n", False)])
def test_a_collection_only_the_model_fills_goes_with_it(after: str, in_site: bool) -> None:
    source = (
        "import keras\ninputs = keras.Input(shape=(4,))\ntaps = []\nx = inputs\n"
        "for units in (8, 4):\n    x = keras.layers.Dense(units)(x)\n    taps.append(x)\n"
        "model = keras.Model(inputs, keras.layers.Concatenate()(taps))\n" + after
    )

    (model,) = parse_models(source).models

    assert (2 in model.site.statements) is in_site  # ``taps = []``
    if not in_site:  # and the loop that fills it stays: the list would be empty otherwise
        assert model.site.problem == (
            "the model is built in a compound statement: "
            "`taps`, which the statement around it sets, is used elsewhere"
        )
        assert model.site.problem_line == 5
