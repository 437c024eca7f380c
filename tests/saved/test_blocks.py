"""Blocks and units found in a saved model's graph, and the module written from them: configs
built by hand (no TensorFlow). The module is run with stand-in ``keras`` objects that record each
layer call, so a test sees the graph the code builds, by layer name."""

from __future__ import annotations

import ast
import re
import time
from collections.abc import Iterator
from typing import Any

from kcodegen.saved.blocks import find_blocks
from kcodegen.saved.config_graph import read_model
from kcodegen.saved.layer_names import name_pattern, numbered_names
from kcodegen.saved.module import Context, write_module


class _Config:
    """A Functional config, one layer at a time; Keras's automatic names when none is given."""

    def __init__(self) -> None:
        self.layers: list[dict[str, Any]] = [
            {
                "module": "keras.layers",
                "class_name": "InputLayer",
                "name": "inputs",
                "config": {"name": "inputs", "batch_shape": [None, 8, 8, 3], "dtype": "float32"},
                "inbound_nodes": [],
            }
        ]
        self.counts: dict[str, int] = {}

    def add(self, class_name: str, reads: list[str], name: str | None = None, **options: Any):
        if name is None:
            base = re.sub(r"(?<=[a-z])(?=[A-Z])", "_", class_name).lower()
            count = self.counts.get(base, 0)
            self.counts[base] = count + 1
            name = base if count == 0 else f"{base}_{count}"
        tensors = [
            {"class_name": "__keras_tensor__", "config": {"keras_history": [r, 0, 0]}}
            for r in reads
        ]
        config = {"name": name, "trainable": True, "dtype": "float32", **options}
        self.layers.append(
            {
                "module": "keras.layers",
                "class_name": class_name,
                "name": name,
                "config": config,
                "inbound_nodes": [
                    {"args": [tensors[0] if len(tensors) == 1 else tensors], "kwargs": {}}
                ],
            }
        )
        return name

    def model(self, output: str) -> dict[str, Any]:
        return {
            "class_name": "Functional",
            "config": {
                "name": "model",
                "layers": self.layers,
                "input_layers": [["inputs", 0, 0]],
                "output_layers": [[output, 0, 0]],
            },
        }

    def edges(self) -> set[tuple[str, tuple[str, ...]]]:
        return {
            (layer["name"], tuple(_read_names(layer["inbound_nodes"])))
            for layer in self.layers
            if layer["inbound_nodes"]
        }


def _read_names(nodes: Any) -> Iterator[str]:
    if isinstance(nodes, dict):
        if nodes.get("class_name") == "__keras_tensor__":
            yield nodes["config"]["keras_history"][0]
            return
        for value in nodes.values():
            yield from _read_names(value)
    elif isinstance(nodes, list):
        for value in nodes:
            yield from _read_names(value)


def _conv_bn_act(config: _Config, x: str, filters: int, prefix: str | None = None) -> str:
    named = (lambda part: f"{prefix}_{part}") if prefix else (lambda part: None)
    x = config.add("Conv2D", [x], named("conv"), filters=filters, kernel_size=[3, 3])
    x = config.add("BatchNormalization", [x], named("bn"), axis=-1)
    return config.add("Activation", [x], named("relu"), activation="relu")


def _built(code: str) -> set[tuple[str, tuple[str, ...]]]:
    """The (layer name, names of what it reads) of every call the module makes."""
    calls: set[tuple[str, tuple[str, ...]]] = set()

    class Tensor:
        def __init__(self, name: str) -> None:
            self.name = name

    class Layer:
        def __init__(self, *args: Any, name: str, **kwargs: Any) -> None:
            self.layer = name

        def __call__(self, x: Any, **kwargs: Any) -> Tensor:
            reads = x if isinstance(x, list) else [x]
            calls.add((self.layer, tuple(t.name for t in reads)))
            return Tensor(self.layer)

    class Layers:
        def __getattr__(self, class_name: str) -> type[Layer]:
            return Layer

    class Keras:
        layers = Layers()
        initializers = Layers()

        @staticmethod
        def Input(*args: Any, name: str, **kwargs: Any) -> Tensor:
            return Tensor(name)

        @staticmethod
        def Model(*args: Any, **kwargs: Any) -> None:
            return None

    lines = [line for line in code.splitlines() if not line.startswith(("import ", "from "))]
    exec("\n".join(lines), {"keras": Keras(), "layers": Keras.layers})
    return calls


def _write(config: _Config, output: str) -> str:
    code = write_module(read_model(config.model(output)), Context("3.15.1"))
    ast.parse(code)
    return code


def test_a_unit_repeated_inside_branches_is_one_helper_with_the_auto_names_as_a_suffix():
    """Inception: each block's branches are conv-bn-act units with Keras's automatic names."""
    config = _Config()
    x = "inputs"
    for _ in range(3):
        left = _conv_bn_act(config, x, 16)
        right = _conv_bn_act(config, _conv_bn_act(config, x, 8), 16)
        x = config.add("Concatenate", [left, right], axis=-1)
    plan = find_blocks(read_model(config.model(x)))
    assert len(plan.units) == 1
    unit = plan.units[0]
    assert len(unit.instances) == 9
    code = _write(config, x)
    assert code.count("layers.Conv2D(") == 1
    assert 'f"conv2d{suffix}"' in code and 'f"batch_normalization{suffix}"' in code
    assert _built(code) == config.edges()


def test_blocks_call_their_units_with_names_made_from_the_block_name():
    """ResNet: blocks between cut nodes, named ``block{i}``, each two conv-bn-act units
    and a residual add; the units' names come from the block's ``name`` parameter."""
    config = _Config()
    x = config.add("Conv2D", ["inputs"], "stem", filters=16, kernel_size=[1, 1])
    for i in range(1, 5):
        block = f"block{i}"
        y = _conv_bn_act(config, _conv_bn_act(config, x, 16, f"{block}_1"), 16, f"{block}_2")
        x = config.add("Add", [x, y], f"{block}_add")
    code = _write(config, x)
    assert code.count("layers.Conv2D(") == 2  # the stem's and the unit's
    assert 'name=f"{name}_1")' in code and 'name=f"{name}_2")' in code
    assert "for i in range(1, 5):" in code
    assert 'name=f"block{i}"' in code
    assert _built(code) == config.edges()


def test_a_helper_s_name_is_never_a_variable_of_the_model():
    """A block output read twice later gets a variable; it must not shadow a helper."""
    config = _Config()
    x = "inputs"
    for _ in range(2):
        y = _conv_bn_act(config, x, 8)
        z = _conv_bn_act(config, x, 8)
        x = config.add("Add", [y, z])
    code = _write(config, x)
    functions = {node.name for node in ast.parse(code).body if isinstance(node, ast.FunctionDef)}
    assigned = {
        target.id
        for node in ast.walk(ast.parse(code))
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    assert functions and not functions & assigned
    assert _built(code) == config.edges()


def test_a_long_chain_is_written_quickly():
    config = _Config()
    x = "inputs"
    for _ in range(3000):
        x = config.add("Dense", [x], units=4)
    started = time.monotonic()
    code = _write(config, x)
    assert time.monotonic() - started < 20
    assert _built(code) == config.edges()


def test_automatic_names_vary_by_the_suffix_keras_adds():
    rows = [["conv2d", "batch_normalization"], ["conv2d_5", "batch_normalization_5"]]
    pattern = name_pattern(rows)
    assert pattern is not None
    assert pattern[0] == [("conv2d", ""), ("batch_normalization", "")]
    assert pattern[2] == ('""', '"_5"')
    # Names that share no varying part have no pattern.
    assert (
        name_pattern([["conv2d", "batch_normalization_3"], ["conv2d_5", "batch_normalization_1"]])
        is None
    )


def test_long_lines_break_as_black_breaks_them():
    from kcodegen.saved.wrap import wrap

    call = (
        "x = layers.Dense(" + ", ".join(f"a{i}={i}" for i in range(12)) + ', name=f"{name}_d")(x)'
    )
    nested = "    y = f(" + ", ".join(f'"{"v" * 20}{i}"' for i in range(6)) + ")"

    assert wrap(call) == (
        "x = layers.Dense(\n    "
        + ", ".join(f"a{i}={i}" for i in range(12))
        + ', name=f"{name}_d"\n)(x)'
    )
    assert wrap(nested).splitlines()[1:3] == [f'        "{"v" * 20}0",', f'        "{"v" * 20}1",']
    assert wrap("short = 1") == "short = 1"


def test_cells_that_read_the_two_cells_before_them_are_one_helper_of_two_tensors():
    """NASNet: each cell reads the last cell's output and the one before (no cut node between
    cells). The adjustment of the older input, read from before the cell, stays outside it."""
    config = _Config()
    p = x = config.add("Conv2D", ["inputs"], "stem", filters=8, kernel_size=[3, 3])
    for i in range(4):
        b = config.add("Conv2D", [p], f"cell{i}_adjust", filters=8, kernel_size=[1, 1])
        a = config.add("Conv2D", [x], f"cell{i}_a", filters=8, kernel_size=[3, 3])
        c = config.add("Add", [a, b])
        d = config.add("Conv2D", [c], f"cell{i}_c", filters=8, kernel_size=[3, 3])
        p, x = x, config.add("Concatenate", [d, b], axis=-1)
    code = _write(config, x)
    functions = [n for n in ast.parse(code).body if isinstance(n, ast.FunctionDef)]
    assert [(f.name, len(f.args.args)) for f in functions] == [("cell_block", 4)]
    assert [a.arg for a in functions[0].args.args][:2] == ["x0", "x1"]  # two tensors
    assert code.count("layers.Add(") == 1 and code.count("layers.Concatenate(") == 1
    assert code.count(f"{functions[0].name}(") == 1 + 4
    # The automatic names of a cell count alike: one suffix; the cell's own names an f-string.
    assert 'f"add{suffix}"' in code and 'f"concatenate{suffix}"' in code
    assert 'name=f"{name}_a"' in code and 'name="cell2"' in code
    assert _built(code) == config.edges()


def test_automatic_names_a_fixed_distance_apart_share_one_number():
    columns = [('"activation_5"', '"activation_15"'), ('"activation_3"', '"activation_13"')]
    found = numbered_names([*columns, ('"add_1"', '"add_7"')])
    assert found[columns[1]] == ("activation_id", ("3", "13"), "activation_", 0)
    assert found[columns[0]] == ("activation_id", ("3", "13"), "activation_", 2)
    assert ('"add_1"', '"add_7"') not in found  # one column: a parameter of its own
    # Numbers that do not keep their distance share nothing.
    assert numbered_names([('"dense_1"', '"dense_2"'), ('"dense_3"', '"dense_9"')]) == {}


def test_a_loop_over_one_varying_value_passes_the_value_itself():
    """Keras's automatic names four apart: the loop runs over the numbers, not 1-tuples."""
    config = _Config()
    first = x = config.add("Dense", ["inputs"], units=4)
    for _ in range(24):
        x = config.add("Dense", [x], units=4)
    x = config.add("Add", [first, x])
    code = _write(config, x)
    assert "for dense_id in [1, 5, 9, 13, 17, 21]:" in code
    assert _built(code) == config.edges()
