"""Values builder functions compute before they build, as keras.applications writes them: tests on
tuples passed down, string methods on a name, block arguments copied and adjusted in a loop."""

from __future__ import annotations

import textwrap

import pytest

from kcodegen.convert import convert
from kcodegen.frontend import parse_models

HEADER = "import copy\nimport keras\nfrom keras import layers\n\n"


def _units(source: str) -> list[object]:
    (graph,) = parse_models(HEADER + textwrap.dedent(source)).models
    return [layer.args[0] if layer.args else None for layer in graph.layers]


def _names(source: str) -> list[str | None]:
    (graph,) = parse_models(HEADER + textwrap.dedent(source)).models
    return [layer.name for layer in graph.layers]


def test_is_none_and_truth_of_a_tuple_argument() -> None:
    units = _units(
        """
        def build(input_shape=None, input_tensor=None):
            if input_shape is None and input_tensor is not None:
                raise ValueError("no")
            if not input_shape:
                input_shape = (4,)
            inputs = keras.Input(shape=input_shape)
            x = layers.Dense(3)(inputs) if input_shape else layers.Dense(5)(inputs)
            return keras.Model(inputs, x)

        model = build(input_shape=(8,))
        """
    )
    assert units == ["3"]


def test_a_tuple_passed_through_calls_compares_with_a_literal() -> None:
    units = _units(
        """
        def block(x, strides):
            if strides == (2, 2):
                return layers.Dense(2)(x)
            return layers.Dense(1)(x)

        def build(strides=(1, 1)):
            inputs = keras.Input(shape=(8,))
            return keras.Model(inputs, block(block(inputs, strides), (2, 2)))

        model = build()
        """
    )
    assert units == ["1", "2"]


def test_string_methods_on_a_name_decide_a_branch() -> None:
    units = _units(
        """
        def build(name="net-b0"):
            inputs = keras.Input(shape=(8,))
            x = inputs
            if name.split("-")[-1].startswith("b"):
                x = layers.Dense(7)(x)
            if name.upper().endswith("X"):
                x = layers.Dense(9)(x)
            return keras.Model(inputs, x)

        model = build()
        """
    )
    assert units == ["7"]


BLOCKS = """
ARGS = [{"filters": 8, "repeats": 1}, {"filters": 16, "repeats": 2}]

def build(blocks=ARGS):
    inputs = keras.Input(shape=(8,))
    x = inputs
    COPY
    for i, args in enumerate(blocks):
        args["filters"] = args["filters"] * 2
        for j in range(args["repeats"]):
            x = layers.Dense(args["filters"], name=f"block{i + 1}{chr(97 + j)}")(x)
    return keras.Model(inputs, x)

model = build()
small_in = keras.Input(shape=(8,))
small = keras.Model(small_in, layers.Dense(ARGS[0]["filters"])(small_in))
"""


def test_block_arguments_adjusted_in_a_loop_over_a_deep_copy() -> None:
    source = BLOCKS.replace("COPY", "blocks = copy.deepcopy(blocks)")
    model, small = parse_models(HEADER + source).models
    assert [layer.name for layer in model.layers] == ["block1a", "block2a", "block2b"]
    assert [layer.args[0] for layer in model.layers] == ["16", "32", "32"]
    assert small.layers[0].args == ('ARGS[0]["filters"]',)  # as written: ARGS is unchanged


def test_without_a_copy_the_change_is_the_argument_s_own_as_in_python() -> None:
    model, small = parse_models(HEADER + BLOCKS.replace("COPY", "pass")).models
    assert [layer.args[0] for layer in model.layers] == ["16", "32", "32"]
    assert small.layers[0].args == ('ARGS[0]["filters"]',)


def test_the_converted_code_writes_the_adjusted_values() -> None:
    source = HEADER + BLOCKS.replace("COPY", "blocks = copy.deepcopy(blocks)")
    output = convert(source, "sequential", model="build").output
    assert 'layers.Dense(16, name="block1a")' in output
    assert 'layers.Dense(32, name="block2b")' in output


@pytest.mark.parametrize("key", ["keys[0]", "len(args)"])
def test_a_change_at_a_place_not_known_is_refused(key: str) -> None:
    source = HEADER + textwrap.dedent(
        f"""
        import random
        keys = [random.choice("ab")]

        def build():
            args = {{"a": 4, "b": 5}}
            args[{key}] = 6
            inputs = keras.Input(shape=(8,))
            return keras.Model(inputs, layers.Dense(args["a"])(inputs))

        model = build()
        """
    )
    conversion = convert(source, "sequential")
    reasons = [r.message for refusal in conversion.refusals for r in refusal.reasons]
    assert any("changes a container at a place only known at run time" in r for r in reasons)


def test_type_tests_slices_and_math_on_constants() -> None:
    units = _units(
        """
        import math

        def pad(kernel_size, shape):
            if isinstance(kernel_size, int):
                kernel_size = (kernel_size, kernel_size)
            size = shape[1:3]
            if size[0] is None:
                return 1
            return kernel_size[0] + size[0] % 2

        def build(repeats=1.5):
            inputs = keras.Input(shape=(8, 5))
            x = inputs
            units = pad(3, (None, 8, 5))
            for _ in range(math.ceil(repeats)):
                x = layers.Dense(units)(x)
            return keras.Model(inputs, x)

        model = build()
        """
    )
    assert len(units) == 2  # ceil(1.5) passes of the loop


def test_blocks_configured_by_dicts_passed_with_double_stars_and_popped() -> None:
    """EfficientNet: ``for j in range(args.pop("repeats")): x = block(x, **args)``."""
    units = _units(
        """
        BLOCKS = [{"repeats": 2, "filters": 8}, {"repeats": 1, "filters": 16}]

        def block(x, filters, strides=1):
            return layers.Dense(filters * strides)(x)

        def build(blocks_args=BLOCKS):
            blocks_args = copy.deepcopy(blocks_args)
            inputs = keras.Input((4,))
            x = inputs
            for args in blocks_args:
                for j in range(args.pop("repeats")):
                    x = block(x, **args, strides=args.get("strides", 1 + j))
            return keras.Model(inputs, x)

        model = build()
        """
    )
    assert units == ["8", "16", "16"]  # 8 * 1, 8 * 2 (strides 1 + j), 16 * 1


def test_a_helper_given_a_dict_kcg_does_not_know_is_refused_not_lost() -> None:
    """Its layers would silently be missing from the model."""
    source = HEADER + textwrap.dedent(
        """
        import json

        def block(x, filters):
            return layers.Dense(filters)(x)

        inputs = keras.Input((4,))
        x = block(inputs, **json.loads(open("config.json").read()))
        model = keras.Model(inputs, x)
        """
    )
    parsed = parse_models(source)

    assert not parsed.models
    assert any("passes `**json.loads(" in p.message for p in parsed.problems), parsed.problems


def test_numpy_linspace_is_worked_out_as_numpy_does() -> None:
    numpy = pytest.importorskip("numpy")
    from kcodegen.frontend.interpreter.brain.numpy_values import linspace

    for start, stop, num in [(0.0, 0.0, 18), (0.0, 0.4, 18), (0.1, 1.0, 7), (2, 5, 1), (0, 1, 0)]:
        assert linspace(start, stop, num) == numpy.linspace(start, stop, num).tolist()
    assert linspace(0.0, 1.0, 4, endpoint=False) == numpy.linspace(0, 1, 4, endpoint=False).tolist()


STAGES = """
def build(stages=(2, 1)):
    def width(filters):
        return filters * 2

    inputs = keras.Input((4,))
    x = inputs
    total = float(sum(width(r) for r in stages))
    for repeats in stages:
        if repeats <= 0:
            raise ValueError("repeats must be > 0")
        for _ in range(repeats):
            x = layers.Dense(width(4))(x)
            x = layers.Dropout(0.5 / total)(x)
    return keras.Model(inputs, x)

model = build()
"""


def test_a_check_in_the_loop_that_builds_stays_in_a_loop_of_its_own() -> None:
    """EfficientNet validates each block's repeats in the loop that builds the blocks; the
    loop stays with that check only. Values from a function defined in the builder
    (``round_filters``) are written as values: the generated class cannot call it."""
    conversion = convert(HEADER + textwrap.dedent(STAGES), "subclassing")

    assert conversion.converted == ("build",), conversion.refusals
    assert (
        "    for repeats in stages:\n        if repeats <= 0:\n"
        '            raise ValueError("repeats must be > 0")\n'
    ) in conversion.output
    assert conversion.output.count("layers.Dense(8") == 3
    assert conversion.output.count("layers.Dropout(0.5 / 6.0)") == 3  # total, worked out
