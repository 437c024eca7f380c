"""A builder function is converted for the arguments of the call kcg followed: the code that
replaces its model's statements builds that one model. The converted function checks those
arguments and raises for others, instead of silently building the model of the first call
(``DenseNet169`` calling a ``DenseNet`` converted for DenseNet121's blocks)."""

from __future__ import annotations

import ast
import inspect

import pytest

from kcodegen.convert import convert

BUILDER = """\
import os

import keras
from keras import layers


def build(depth, units, include_top=True, weights=None, name="net"):
    if not (weights is None or os.path.exists(weights)):
        raise ValueError("weights must be a path")
    inputs = keras.Input((4,))
    x = inputs
    for _ in range(depth):
        x = layers.Dense(units)(x)
    if include_top:
        x = layers.Dense(1)(x)
    model = keras.Model(inputs, x, name=name)
    if weights is not None:
        model.load_weights(weights)
    return model


model = build(2, 8)
"""


def _function(output: str, name: str, **namespace: object):
    """The converted ``name`` alone, run with ``namespace`` for what it calls (no Keras)."""
    tree = ast.parse(output)
    (definition,) = [s for s in tree.body if isinstance(s, ast.FunctionDef) and s.name == name]
    exec(compile(ast.Module([definition], []), "<converted>", "exec"), namespace)
    return namespace[name]


class _Stub:
    """What the converted function calls instead of Keras: any attribute, any call."""

    def __getattr__(self, name: str) -> _Stub:
        return self

    def __call__(self, *args: object, **kwargs: object) -> _Stub:
        return self


@pytest.mark.parametrize(
    ("style", "generated", "other_depths"),
    [
        ("subclassing", "class Net(keras.Model)", False),  # the class is written for depth 2
        ("sequential", "for _ in range(depth)", True),  # the Sequential keeps the loop
    ],
)
def test_the_converted_builder_runs_for_the_followed_arguments_and_raises_for_others(
    style, generated, other_depths
):
    conversion = convert(BUILDER, style)
    assert conversion.converted == ("model",), conversion.refusals
    assert generated in conversion.output
    stub = _Stub()
    build = _function(conversion.output, "build", keras=stub, layers=stub, os=stub, Net=stub)

    assert build(2, 8) is stub
    with pytest.raises(NotImplementedError, match=r"converted by kcg for .*include_top=True"):
        build(2, 8, include_top=False)
    if other_depths:
        assert build(3, 8) is stub
    else:
        with pytest.raises(NotImplementedError, match="converted by kcg for depth=2"):
            build(3, 8)


def test_only_the_arguments_that_decide_the_model_are_checked():
    """``weights`` is read by the validation and the weight loading, which stay as written;
    ``name`` is passed on (``name=name``); ``units`` becomes the class's own argument."""
    output = convert(BUILDER, "subclassing").output
    guard = output.split("raise NotImplementedError", 1)[0].rsplit("def build", 1)[1]

    assert "depth != 2" in guard and "include_top is not True" in guard
    assert "weights" not in guard.split("):", 1)[1] and "name !=" not in guard


def test_a_builder_called_again_with_other_arguments_is_refused():
    source = BUILDER + "other = build(3, 8, include_top=False)\n"

    conversion = convert(source, "subclassing")

    (refusal,) = conversion.refusals
    (reason,) = refusal.reasons
    assert reason.message.startswith("`build` is called again with depth=3, include_top=False:")
    assert conversion.output == source


def test_a_builder_called_again_with_the_same_arguments_converts():
    conversion = convert(BUILDER + "again = build(2, 8, name='again')\n", "subclassing")

    assert conversion.converted, conversion.refusals


def _passing_a_function(inner: str) -> str:
    """BUILDER called with a function defined in another one, as ResNet50 passes ``stack_fn``."""
    return BUILDER.replace("    for _ in range(depth):", "    for _ in range(depth()):").replace(
        "model = build(2, 8)",
        f"def main(n=2):\n{inner}\n    return build(two, 8)\n\n\nmodel = main()",
    )


def test_a_function_defined_in_another_is_checked_by_its_qualified_name():
    source = _passing_a_function("    def two():\n        return 2\n")

    output = convert(source, "subclassing").output

    assert 'getattr(depth, "__qualname__", None) != "main.<locals>.two"' in output
    assert "depth=main.<locals>.two" in output


def test_a_function_reading_its_callers_names_is_checked_with_their_values():
    """MobileNetV3Small's ``stack_fn`` reads its ``alpha``: the converted builder checks the
    values a function passed in holds from its caller, as well as the function itself."""
    source = _passing_a_function("    def two():\n        return n\n")

    output = convert(source, "subclassing").output

    assert output.startswith("import inspect\nimport os\n")
    assert 'or inspect.getclosurevars(depth).nonlocals != {"n": 2}\n' in output
    stub = _Stub()
    build = _function(output, "build", keras=stub, layers=stub, os=stub, Net=stub, inspect=inspect)
    main = _function(output, "main", build=build)
    assert main() is stub
    with pytest.raises(
        NotImplementedError, match=r"for depth=main\.<locals>\.two \(n=2\), include_top"
    ):
        main(3)


def test_a_builder_passed_the_same_function_holding_other_values_is_refused():
    source = _passing_a_function("    def two():\n        return n\n") + "other = main(3)\n"

    conversion = convert(source, "subclassing")

    reasons = [r.message for refusal in conversion.refusals for r in refusal.reasons]
    assert reasons == [
        "`build` is called again with depth=main.<locals>.two: the converted function would "
        "build the model of its first call for both"
    ]


def test_a_function_holding_a_function_of_its_caller_is_refused_with_its_name():
    """``one`` is not a value the converted code can compare with."""
    source = _passing_a_function(
        "    def one():\n        return 1\n\n    def two():\n        return one() + 1\n"
    )

    conversion = convert(source, "subclassing")

    reasons = [r.message for refusal in conversion.refusals for r in refusal.reasons]
    assert reasons and reasons[0].startswith("`depth` decides what `build` builds, and kcg cannot")


def test_a_function_the_module_never_calls_does_not_count_as_another_call():
    """keras.applications' ``DenseNet169`` calls ``DenseNet`` with other blocks, but the script
    only builds DenseNet121: ``DenseNet169`` would raise if called, it is not refused for."""
    source = BUILDER.replace(
        "model = build(2, 8)", "def deeper():\n    return build(3, 8)\n\n\nmodel = build(2, 8)"
    )

    conversion = convert(source, "subclassing")

    assert conversion.converted == ("model",), conversion.refusals
    assert "def deeper():\n    return build(3, 8)\n" in conversion.output


NAMED_LAYERS = """\
import keras
from keras import layers


def build(units, name="net"):
    stem = keras.Sequential([layers.Dense(units, name=f"{name}_stem_fc")], name=f"{name}_stem")
    inputs = keras.Input((16,))
    x = stem(inputs)
    x = layers.Dense(units, name=f"{name}_fc")(x)
    return keras.Model(inputs, x, name=name)


model = build(8)
"""


def test_arguments_written_as_their_values_are_checked_though_the_code_passes_them_on():
    """The nested Sequential becomes ``NetStem`` with ``Dense(8, name="net_stem_fc")``, while
    ``Net`` takes ``units`` and ``name``: ``build(8, name="other")`` would silently keep the
    stem's first names."""
    output = convert(NAMED_LAYERS, "subclassing").output

    assert 'layers.Dense(8, name="net_stem_fc")' in output
    assert 'layers.Dense(units, name=f"{name}_fc")' in output
    assert 'if units != 8 or name != "net":' in output
    stub = _Stub()
    build = _function(output, "build", keras=stub, layers=stub, Net=stub, NetStem=stub)
    assert build(8) is stub
    with pytest.raises(NotImplementedError, match='for units=8, name="net" only'):
        build(8, name="other")


def test_a_model_named_by_the_builders_name_takes_it_for_its_layers_names_too():
    source = NAMED_LAYERS.replace("    stem = keras.Sequential", "    # stem = keras.Sequential")
    source = source.replace("x = stem(inputs)", "x = inputs")

    output = convert(source, "subclassing").output

    assert "    def __init__(self, units, name, **kwargs):\n" in output
    assert "        super().__init__(name=name, **kwargs)\n" in output
    assert 'layers.Dense(units, name=f"{name}_fc")' in output
    assert "    model = Net(units=units, name=name)\n" in output
    assert "NotImplementedError" not in output  # any units and name build what they ask


def test_a_model_used_as_a_layer_is_passed_first():
    """Before the parameters the class takes by keyword (a bug once wrote it after them)."""
    source = NAMED_LAYERS.replace('name=f"{name}_fc"', 'name="fc"')

    output = convert(source, "subclassing").output

    assert "    def __init__(self, stem, units, **kwargs):\n" in output
    assert "    model = Net(stem, units=units, name=name)\n" in output


COMPUTED_WIDTH = """\
import keras
from keras import layers


def build(act, units=4):
    inputs = keras.Input((4,))
    width = units * 2
    x = layers.Dense(width, activation=act)(inputs)
    return keras.Model(inputs, x)


model = build({act})
"""


def test_a_parameter_a_layer_reads_through_a_name_computed_outside_the_model_is_checked():
    """``width = units * 2`` stays; the class holds ``Dense(8)``: ``build(None, units=5)``
    would silently build the first width."""
    output = convert(COMPUTED_WIDTH.format(act='"relu"'), "subclassing").output

    assert 'layers.Dense(8, activation="relu")' in output
    assert 'if act != "relu" or units != 4:' in output


def test_one_that_cannot_be_written_as_code_is_refused_with_its_name():
    conversion = convert(COMPUTED_WIDTH.format(act="keras.activations.relu"), "subclassing")

    reasons = [r.message for refusal in conversion.refusals for r in refusal.reasons]
    assert reasons == [
        "`act` decides what `build` builds, and kcg cannot write its value "
        "(`keras.activations.relu`) to check that the converted function is called with it"
    ]
    assert conversion.output == conversion.original
