"""Generated models built with helpers and loops: each is converted to the styles it fits, must
come out with its helper as a block class and its loop as a loop, and must compute the same.

The programs are written here, by a small generator of the ways authors repeat structure (a helper
called in a loop or call by call, a loop of layers, ``model.add`` in a loop, at module level or in
a builder function), so the folding of blocks and loops meets shapes no sample has.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from preservation import assert_preserved

from kcodegen.convert import convert
from kcodegen.frontend import parse_models
from kcodegen.verify import ModelSource, VerifyCase, VerifyReport, VerifySession, added_classes

# Lines of a block's body; the first always reads the block's `units`.
FIRST = ("x = layers.Dense(units)(x)", 'x = layers.Dense(units, activation="relu")(x)')
REST = (
    "x = layers.Dropout(0.1)(x)",
    "x = layers.LayerNormalization()(x)",
    "x = layers.BatchNormalization()(x)",
    "x = layers.ReLU()(x)",
    "x = x * 0.5",  # an operation: no Sequential
)
SHAPES = ("helper-loop", "helper-calls", "inline-loop", "sequential-loop")


@dataclass(frozen=True)
class Program:
    shape: str
    body: tuple[str, ...]
    units: tuple[int, ...]
    builder: bool

    @property
    def has_op(self) -> bool:
        return any(" * " in line for line in self.body)

    def source(self) -> str:
        lines = ["import keras", "from keras import layers", "", f"UNITS = {self.units!r}", ""]
        if self.shape.startswith("helper"):
            lines += ["", "def block(x, units):", *(f"    {line}" for line in self.body)]
            lines += ["    return x", "", ""]
        code = self._model()
        if self.builder:
            lines += ["def build():", *(f"    {line}" for line in code[:-1])]
            lines += [f"    return {code[-1].split(' = ', 1)[1]}", "", "", "model = build()"]
        else:
            lines += code
        return "\n".join(lines) + "\n"

    def _model(self) -> list[str]:
        if self.shape == "sequential-loop":
            return [
                "seq = keras.Sequential([keras.Input(shape=(5,))])",
                "for units in UNITS:",
                *(
                    f"    seq.add({line.split(' = ', 1)[1].removesuffix('(x)')})"
                    for line in self.body
                ),
                "seq.add(layers.Dense(2))",
                "model = seq",
            ]
        head = ["inputs = keras.Input(shape=(5,))", "x = inputs"]
        if self.shape == "helper-loop":
            middle = ["for units in UNITS:", "    x = block(x, units)"]
        elif self.shape == "helper-calls":
            middle = [f"x = block(x, {units})" for units in self.units]
        else:
            middle = ["for units in UNITS:", *(f"    {line}" for line in self.body)]
        tail = ["outputs = layers.Dense(2)(x)", "model = keras.Model(inputs, outputs)"]
        return head + middle + tail


programs = st.builds(
    Program,
    shape=st.sampled_from(SHAPES),
    body=st.tuples(st.sampled_from(FIRST), st.lists(st.sampled_from(REST), max_size=2)).map(
        lambda parts: (parts[0], *parts[1])
    ),
    units=st.lists(st.sampled_from((4, 6, 8)), min_size=2, max_size=3).map(tuple),
    builder=st.booleans(),
).filter(lambda p: not (p.shape == "sequential-loop" and (p.has_op or p.builder)))


def targets(program: Program) -> list[str]:
    if program.shape == "sequential-loop":
        return ["functional", "subclassing"]
    return ["subclassing"] if program.has_op else ["subclassing", "sequential"]


def test_a_sequential_program_reads_as_written() -> None:
    program = Program("sequential-loop", FIRST[:1] + REST[:1], (8, 4), builder=False)
    assert "    seq.add(layers.Dropout(0.1))" in program.source()


@pytest.mark.slow
@settings(
    max_examples=16,
    derandomize=True,
    deadline=None,
)
@given(program=programs)
def test_blocks_and_loops_are_kept_and_compute_the_same(
    program: Program, verify_session: VerifySession
) -> None:
    source = program.source()
    for style in targets(program):
        conversion = convert(source, style)  # type: ignore[arg-type]
        assert not conversion.refusals, (style, conversion.refusals, source)
        assert_preserved(conversion)
        output = conversion.output
        if style == "subclassing" and program.shape.startswith("helper"):
            assert "class Block(layers.Layer):" in output, output
        if style == "subclassing" and program.shape.endswith("loop"):
            assert re.search(r"for units in UNITS\s*\]", output), output  # the list's comprehension
        if style == "functional":
            assert "for units in UNITS:" in output, output
        if style == "sequential" and program.shape == "inline-loop" and len(program.body) == 1:
            assert "*[layers.Dense(units" in output, output  # one layer a pass: unpacked
        blocks = added_classes(source, output)
        (theirs,) = parse_models(output, follow=blocks).models
        (ours,) = conversion.models
        case = VerifyCase(
            ModelSource(source, ours, "gen.py"), ModelSource(output, theirs, "out.py")
        )
        (report,) = verify_session.verify([case])
        assert isinstance(report, VerifyReport), (report.summary(), source, output)
        assert report.equivalent, (report.details(), source, output)
