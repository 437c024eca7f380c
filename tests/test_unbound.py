"""The check that refuses output reading names it does not define, on hand-made before/after pairs."""

from __future__ import annotations

from kcodegen.codegen.unbound import newly_unbound

ORIGINAL = """\
import keras

def build(filters=8):
    inputs = keras.Input(shape=(4,))
    return keras.Model(inputs, keras.layers.Dense(filters)(inputs))

model = build()
print(model.name, undefined_before_too)
"""


def test_a_generated_body_reading_a_name_of_the_builder_is_found() -> None:
    output = ORIGINAL.replace(
        "def build(filters=8):",
        "class Build(keras.Model):\n    def __init__(self):\n        super().__init__()\n"
        "        self.dense = keras.layers.Dense(filters)\n\ndef build(filters=8):",
    )

    assert newly_unbound(ORIGINAL, output) == [
        (0, "filters", "self.dense = keras.layers.Dense(filters)")
    ]


def test_a_kept_statement_now_above_what_it_reads_is_found_at_its_line() -> None:
    output = ORIGINAL.replace("model = build()\n", "").replace(
        "print(model.name, undefined_before_too)\n",
        "print(model.name, undefined_before_too)\nmodel = build()\n",
    )

    assert newly_unbound(ORIGINAL, output) == [
        (8, "model", "print(model.name, undefined_before_too)")
    ]


def test_names_the_original_already_left_undefined_are_not_blamed_on_the_conversion() -> None:
    assert newly_unbound(ORIGINAL, ORIGINAL) == []


def test_a_name_only_a_typing_string_reads_is_not_a_run_time_read() -> None:
    """``cast("Tensor", x)`` never evaluates its string: dropping the import breaks nothing."""
    original = "from typing import cast\nimport keras\nx = cast('keras.KerasTensor', 1)\n"
    output = "from typing import cast\nx = cast('keras.KerasTensor', 1)\n"

    assert newly_unbound(original, output) == []


def test_a_name_read_inside_a_call_is_still_found() -> None:
    original = "import keras\nprint(keras.Input(shape=(2,)))\n"
    output = "print(keras.Input(shape=(2,)))\nimport keras\n"

    assert newly_unbound(original, output) == [(2, "keras", "print(keras.Input(shape=(2,)))")]


def test_a_sum_deeper_than_pyflakes_recurses_is_still_checked_term_by_term() -> None:
    terms = " + ".join(f"t{i}" for i in range(1000))
    defined = "".join(f"t{i} = {i}\n" for i in range(1000))
    original = f"{defined}total = {terms}\n"
    output = original.replace("t999 = 999\n", "") + "t999 = 999\n"  # now defined after its read

    assert newly_unbound(original, output) == [(1001, "t999", f"total = {terms}")]
