"""Write a generated graph as Keras code in each style it fits, with the lines of every step.

This is the tests' own small emitter, independent of the product's code generator, so the property
tests compare the product against a second opinion. ``Writing`` holds the choices a real author
makes (import style, Sequential as a list or with ``.add``, list or dict inputs and outputs, how a
subclass gets its shapes, ``x = f(x)`` rebinding, nested calls, merge helpers, ``training=``) so
the product's frontend sees variety.

Which styles fit (Keras' own rules): Functional and Subclassing express every graph. Sequential
needs ``Graph.is_chain``: one input, one output, each step a new single-input layer or nested
model applied to the previous tensor. Ops are not layers, a merge takes several tensors, a branch
feeds several steps, and Keras refuses to add one layer instance twice (unique names).
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Literal

from hypothesis import strategies as st

from .graphs import MERGES, Graph, Layer, Step

Style = Literal["sequential", "functional", "subclassing"]
TRAINING = ("Dropout", "BatchNormalization")  # layers whose call takes training=
MODEL = "model"  # the variable every emitted module binds the model to
CLASS = "Net"
NAME = "net"  # the model's name= when ``Writing.model_name``

# import style -> (import lines, prefix of keras, of keras.layers, of keras.ops)
IMPORTS = {
    "keras": (("import keras",), "keras.", "keras.layers.", "keras.ops."),
    "from_keras": (("import keras", "from keras import layers, ops"), "keras.", "layers.", "ops."),
    "tensorflow_keras": (
        ("from tensorflow import keras",),
        "keras.",
        "keras.layers.",
        "keras.ops.",
    ),
    "tf": (("import tensorflow as tf",), "tf.keras.", "tf.keras.layers.", "tf.keras.ops."),
}


@dataclass(frozen=True)
class Writing:
    imports: str = "keras"
    sequential: Literal["list", "add"] = "list"
    model_call: Literal["keyword", "positional"] = "keyword"  # keras.Model(inputs=..., ...)
    inputs: Literal["list", "dict"] = "list"  # how several inputs are grouped
    outputs: Literal["list", "tuple", "dict"] = "list"  # how several outputs are grouped
    shapes: Literal["build", "call"] = "build"  # model.build(...) or model(keras.ops.zeros(...))
    names: bool = False  # pass name= to every layer
    rebind: bool = False  # reuse `x` for a tensor whose predecessor under that name is dead
    merge_helpers: bool = False  # Functional merges as layers.add([a, b]) rather than Add()(...)
    training: bool = False  # a subclass's call() takes training= and passes it on
    inline: bool = False  # a step used only by the next one is written inside it, unnamed
    builder: bool = False  # Functional and Sequential code inside `def build_model():`
    model_name: bool = False  # the model gets name="net"
    input_layer: bool = False  # keras.layers.Input(...) rather than keras.Input(...)
    shadow: bool = False  # in call(), a step's result may take the name of the input it reads
    subscript: bool = False  # call() reads several inputs as inputs[0] / inputs["in_0"]


writings = st.builds(
    Writing,
    imports=st.sampled_from(list(IMPORTS)),
    sequential=st.sampled_from(("list", "add")),
    model_call=st.sampled_from(("keyword", "positional")),
    inputs=st.sampled_from(("list", "dict")),
    outputs=st.sampled_from(("list", "tuple", "dict")),
    shapes=st.sampled_from(("build", "call")),
    names=st.booleans(),
    rebind=st.booleans(),
    merge_helpers=st.booleans(),
    training=st.booleans(),
    inline=st.booleans(),
    builder=st.booleans(),
    model_name=st.booleans(),
    input_layer=st.booleans(),
    shadow=st.booleans(),
    subscript=st.booleans(),
)


@dataclass(frozen=True)
class Emitted:
    style: Style
    source: str
    step_lines: tuple[int, ...]  # the line that calls each step
    input_lines: tuple[int, ...]  # the line that binds each input's variable
    call_line: int | None  # a subclass's `def call(self, inputs)`, where its inputs come from
    model_lines: frozenset[int]  # lines where a reason about the whole model may point
    tensor_names: tuple[str, ...]  # the variable each tensor is bound to (inlined: its text)
    inlined: frozenset[int]  # steps written inside the next step's expression
    step_texts: tuple[str, ...]  # each step's expression as written
    model_name: str | None  # the model's name=


def styles_of(graph: Graph) -> tuple[Style, ...]:
    everywhere: tuple[Style, ...] = ("functional", "subclassing")
    return ("sequential", *everywhere) if graph.is_chain else everywhere


def emit_all(graph: Graph, writing: Writing) -> dict[Style, Emitted]:
    return {style: emit(graph, writing, style) for style in styles_of(graph)}


def emit(graph: Graph, writing: Writing, style: Style) -> Emitted:
    writers: dict[Style, type[_Sequential | _Functional | _Subclass]] = {
        "sequential": _Sequential,
        "functional": _Functional,
        "subclassing": _Subclass,
    }
    return writers[style](graph, writing).emit()


def input_name(graph: Graph, index: int) -> str:
    return "inputs" if len(graph.inputs) == 1 else f"in_{index}"


def output_key(index: int) -> str:
    return f"out_{index}"


def tensor_names(graph: Graph, rebind: bool, shadow: bool) -> tuple[str, ...]:
    """Inputs by name, steps ``t<n>``; with ``rebind``, a step's result takes ``x`` whenever the
    tensor that holds ``x`` is used by no later step and is not an output, as authors write
    ``x = Dense(8)(x)``; with ``shadow``, a step on an input that nothing later reads takes the
    input's name (``inputs = self.dense(inputs)``)."""
    names = [input_name(graph, i) for i in range(len(graph.inputs))]
    holder: int | None = None
    for index, step in enumerate(graph.steps):
        tensor = graph.tensor_of(index)
        first = step.inputs[0]
        if shadow and first < len(graph.inputs) and max(graph.consumers(first)) == index:
            names.append(input_name(graph, first))
            continue
        free = holder is None or (
            holder not in graph.outputs and max(graph.consumers(holder), default=-1) <= index
        )
        if rebind and free:
            names.append("x")
            holder = tensor
        else:
            names.append(f"t{tensor}")
    return tuple(names)


def inlined_steps(graph: Graph) -> set[int]:
    """Steps written inside the next step's call: used once, by the next step, and not an output;
    never two in a row, so expressions nest one level."""
    chosen: set[int] = set()
    for index in range(len(graph.steps) - 1):
        tensor = graph.tensor_of(index)
        if (
            index - 1 not in chosen
            and graph.consumers(tensor) == [index + 1]
            and graph.steps[index + 1].inputs.count(tensor) == 1
            and tensor not in graph.outputs
        ):
            chosen.add(index)
    return chosen


OPERATORS = ("scale", "neg", "div", "rsub", "square", "add", "sub", "mul")  # need parentheses


def _snake(cls: str) -> str:
    """``BatchNormalization`` -> ``batch_normalization``, ``Conv1D`` -> ``conv1d``."""
    return re.sub(r"(?<!^)(?=[A-Z][a-z])", "_", cls).lower()


class _Writer(ABC):
    """Shared by the three styles: the module's lines, names and expressions."""

    style: Style

    def __init__(self, graph: Graph, writing: Writing) -> None:
        self.graph, self.w = graph, writing
        rebind = writing.rebind and self.style != "sequential"
        shadow = writing.shadow and self.style == "subclassing"
        self.names = list(tensor_names(graph, rebind, shadow))
        self.lines: list[str] = []
        self.step_lines = [0] * len(graph.steps)
        self.step_texts = [""] * len(graph.steps)
        self.input_lines = [0] * len(graph.inputs)
        self.call_line: int | None = None
        self.inlined: set[int] = set()
        self.model_lines: set[int] = set()
        self.indent = ""  # of the model's statements: "    " inside build_model()
        imports, self.keras, self.layers, self.ops = IMPORTS[writing.imports]
        for line in imports:
            self.add(line)
        self.add("")

    @abstractmethod
    def emit(self) -> Emitted:
        """The whole module in this style."""

    def add(self, text: str) -> int:
        self.lines.append(f"{self.indent}{text}" if text else "")
        return len(self.lines)

    def open_builder(self) -> None:
        """With ``Writing.builder``, the statements that follow go into ``build_model()``."""
        if self.w.builder:
            self.model_lines.add(self.add("def build_model():"))
            self.indent = "    "

    def close_builder(self) -> None:
        if self.w.builder:
            self.model_lines.add(self.add(f"return {MODEL}"))
            self.indent = ""
            self.add("")
            self.add("")
            self.model_lines.add(self.add(f"{MODEL} = build_model()"))

    def name_arg(self) -> str:
        return f', name="{NAME}"' if self.w.model_name else ""

    def done(self) -> Emitted:
        source = "\n".join(self.lines) + "\n"
        return Emitted(
            self.style,
            source,
            tuple(self.step_lines),
            tuple(self.input_lines),
            self.call_line,
            frozenset(self.model_lines),
            tuple(self.names),
            frozenset(self.inlined),
            tuple(self.step_texts),
            NAME if self.w.model_name else None,
        )

    def layer_name(self, step: int) -> str:
        """The variable (or attribute) of a step's layer or block."""
        s = self.graph.steps[step]
        return f"block_{step}" if s.kind == "block" else f"{_snake(s.layer.cls)}_{step}"  # type: ignore[union-attr]

    def constructor(self, step: int) -> str:
        s = self.graph.steps[step]
        if s.kind == "block":
            return self.layer_name(step)
        return self.layer_expr(s.layer, self.keras_name(step) if self.w.names else None)  # type: ignore[arg-type]

    def keras_name(self, step: int) -> str:
        """A layer's name=, unlike any name Keras makes up (``relu_1`` is taken by ops.relu)."""
        return f"my_{self.layer_name(step)}"

    def layer_expr(self, layer: Layer, name: str | None = None) -> str:
        args = (*layer.args, f'name="{name}"') if name else layer.args
        if layer.inner is not None:
            args = (self.layer_expr(layer.inner), *args)
        return f"{self.layers}{layer.cls}({', '.join(args)})"

    def input_expr(self, index: int, named: bool = True) -> str:
        spec = self.graph.inputs[index]
        parts = [f"shape={spec.shape!r}"]
        if spec.dtype != "float32":
            parts.append(f'dtype="{spec.dtype}"')
        if named and len(self.graph.inputs) > 1:
            parts.append(f'name="{input_name(self.graph, index)}"')
        callee = f"{self.layers}Input" if self.w.input_layer else f"{self.keras}Input"
        return f"{callee}({', '.join(parts)})"

    def op_expr(self, step: Step) -> str:
        a, *rest = (self.names[t] for t in step.inputs)
        b = rest[0] if rest else ""
        return {
            "scale": f"0.5 * {a}",
            "neg": f"-{a}",
            "div": f"{a} / 2.0",
            "rsub": f"1.0 - {a}",
            "square": f"{a}**2",
            "relu": f"{self.ops}relu({a})",
            "sum": f"{self.ops}sum({a}, axis=-1, keepdims=True)",
            "mean": f"{self.ops}mean({a}, axis=1)",
            "index": f"{a}[:, 0]",
            "transpose": f"{self.ops}transpose({a}, (0, 2, 1))",
            "add": f"{a} + {b}",
            "sub": f"{a} - {b}",
            "mul": f"{a} * {b}",
            "concat": f"{self.ops}concatenate([{a}, {b}], axis=-1)",
        }[step.op]  # type: ignore[index]

    def call_args(self, step: Step) -> str:
        names = [self.names[t] for t in step.inputs]
        return f"[{', '.join(names)}]" if len(names) > 1 else names[0]

    def grouped(self, items: list[str], keys: list[str], how: str, bare: bool = False) -> str:
        """One item as itself; several as a list, a tuple (``bare``: without parentheses) or dict."""
        if len(items) == 1:
            return items[0]
        if how == "dict":
            return "{" + ", ".join(f'"{k}": {v}' for k, v in zip(keys, items, strict=True)) + "}"
        if how == "tuple":
            return ", ".join(items) if bare else f"({', '.join(items)})"
        return f"[{', '.join(items)}]"

    def blocks(self) -> None:
        """Nested models, built at module level before the model that uses them."""
        for index, step in enumerate(self.graph.steps):
            if step.kind != "block":
                continue
            name = self.layer_name(index)
            self.add(f"{name}_in = {self.keras}Input(shape={self.graph.shape(step.inputs[0])!r})")
            tensor = f"{name}_in"
            for position, layer in enumerate(step.block):
                self.add(f"{name}_x{position} = {self.layer_expr(layer)}({tensor})")
                tensor = f"{name}_x{position}"
            self.add(f'{name} = {self.keras}Model({name}_in, {tensor}, name="{name}")')
            self.add("")


class _Named(_Writer):
    """The styles that bind each step's tensor to a variable: Functional and Subclassing."""

    @abstractmethod
    def step_expr(self, index: int) -> str:
        """The expression that computes step ``index``."""

    def steps(self, indent: str) -> None:
        """One assignment per step (``indent`` deeper), or the step's text inside the next one's
        (``inline``)."""
        self.inlined = inlined_steps(self.graph) if self.w.inline else set()
        for index, step in enumerate(self.graph.steps):
            tensor = self.graph.tensor_of(index)
            text = self.step_texts[index] = self.step_expr(index)
            if index in self.inlined:
                self.names[tensor] = f"({text})" if step.op in OPERATORS else text
                continue
            line = self.add(f"{indent}{self.names[tensor]} = {text}")
            self.step_lines[index] = line
            if index - 1 in self.inlined:
                self.step_lines[index - 1] = line


class _Functional(_Named):
    style: Style = "functional"

    def emit(self) -> Emitted:
        g = self.graph
        self.blocks()
        self.open_builder()
        for index in range(len(g.inputs)):
            line = self.add(f"{input_name(g, index)} = {self.input_expr(index)}")
            self.model_lines.add(line)
            self.input_lines[index] = line
        for owner in range(len(g.steps)):
            if g.steps[owner].kind == "layer" and len(g.calls_of(owner)) > 1:
                self.add(f"{self.layer_name(owner)} = {self.constructor(owner)}")
        self.steps("")
        ins = self.grouped(
            [input_name(g, i) for i in range(len(g.inputs))],
            [input_name(g, i) for i in range(len(g.inputs))],
            self.w.inputs,
        )
        outs = self.grouped(
            [self.names[t] for t in g.outputs],
            [output_key(i) for i in range(len(g.outputs))],
            self.w.outputs,
        )
        call = (
            f"{ins}, {outs}"
            if self.w.model_call == "positional"
            else f"inputs={ins}, outputs={outs}"
        )
        self.model_lines.add(self.add(f"{MODEL} = {self.keras}Model({call}{self.name_arg()})"))
        self.close_builder()
        return self.done()

    def step_expr(self, index: int) -> str:
        """The expression computing step ``index``, in Functional code."""
        g, step = self.graph, self.graph.steps[index]
        if step.kind == "op":
            return self.op_expr(step)
        owner = g.owner(index)
        if step.kind != "layer" or len(g.calls_of(owner)) > 1:
            return f"{self.layer_name(owner)}({self.call_args(step)})"
        layer = step.layer
        assert layer is not None
        if self.w.merge_helpers and layer.cls in MERGES:
            name = f', name="{self.keras_name(index)}"' if self.w.names else ""
            return f"{self.layers}{layer.cls.lower()}({self.call_args(step)}{name})"
        return f"{self.constructor(owner)}({self.call_args(step)})"


class _Sequential(_Writer):
    style: Style = "sequential"

    def emit(self) -> Emitted:
        self.blocks()
        items = self.step_texts = [self.constructor(i) for i in range(len(self.graph.steps))]
        first = self.input_expr(0, named=False)
        self.open_builder()
        if self.w.sequential == "add":
            name = self.name_arg().lstrip(", ")
            self.model_lines.add(self.add(f"{MODEL} = {self.keras}Sequential({name})"))
            self.input_lines[0] = self.add(f"{MODEL}.add({first})")
            self.model_lines.add(self.input_lines[0])
            for index, item in enumerate(items):
                self.step_lines[index] = self.add(f"{MODEL}.add({item})")
        else:
            self.model_lines.add(self.add(f"{MODEL} = {self.keras}Sequential("))
            self.add("    [")
            self.input_lines[0] = self.add(f"        {first},")
            self.model_lines.add(self.input_lines[0])
            for index, item in enumerate(items):
                self.step_lines[index] = self.add(f"        {item},")
            if self.w.model_name:
                self.add("    ],")
                self.add(f'    name="{NAME}",')
            else:
                self.add("    ]")
            self.add(")")
        self.close_builder()
        return self.done()


class _Subclass(_Named):
    style: Style = "subclassing"

    def emit(self) -> Emitted:
        g = self.graph
        self.blocks()
        self.model_lines.add(self.add(f"class {CLASS}({self.keras}Model):"))
        self.add("    def __init__(self):")
        self.add(f"        super().__init__({self.name_arg().lstrip(', ')})")
        for owner, step in enumerate(g.steps):
            if step.kind in ("layer", "block"):
                self.add(f"        self.{self.layer_name(owner)} = {self.constructor(owner)}")
        self.add("")
        training = ", training=False" if self.w.training else ""
        call = self.call_line = self.add(f"    def call(self, inputs{training}):")
        self.model_lines.add(call)
        self.input_lines = [call] * len(g.inputs)
        self.unpack_inputs()
        self.steps(" " * 8)
        outs = self.grouped(
            [self.names[t] for t in g.outputs],
            [output_key(i) for i in range(len(g.outputs))],
            self.w.outputs,
            bare=True,
        )
        self.model_lines.add(self.add(f"        return {outs}"))
        self.add("")
        self.add("")
        self.model_lines.add(self.add(f"{MODEL} = {CLASS}()"))
        self.model_lines.add(self.add(self.shapes()))
        return self.done()

    def step_expr(self, index: int) -> str:
        """The expression computing step ``index``, in ``call()``."""
        step = self.graph.steps[index]
        if step.kind == "op":
            return self.op_expr(step)
        owner = self.graph.steps[self.graph.owner(index)]
        forward = self.w.training and owner.layer is not None and owner.layer.cls in TRAINING
        training = ", training=training" if forward else ""
        return f"self.{self.layer_name(self.graph.owner(index))}({self.call_args(step)}{training})"

    def unpack_inputs(self) -> None:
        g = self.graph
        names = [input_name(g, i) for i in range(len(g.inputs))]
        if len(names) == 1:
            return
        if self.w.subscript:
            for index, name in enumerate(names):
                self.names[index] = (
                    f'inputs["{name}"]' if self.w.inputs == "dict" else f"inputs[{index}]"
                )
            return
        if self.w.inputs == "dict":
            for index, name in enumerate(names):
                self.input_lines[index] = self.add(f'        {name} = inputs["{name}"]')
        else:
            self.input_lines = [self.add(f"        {', '.join(names)} = inputs")] * len(names)
        self.model_lines.update(self.input_lines)

    def shapes(self) -> str:
        g = self.graph
        names = [input_name(g, i) for i in range(len(g.inputs))]
        if self.w.shapes == "build":
            items = [repr((None, *spec.shape)) for spec in g.inputs]
            return f"{MODEL}.build({self.grouped(items, names, self.w.inputs)})"
        items = []
        for spec in g.inputs:
            dtype = f', dtype="{spec.dtype}"' if spec.dtype != "float32" else ""
            items.append(f"{self.ops}zeros({(1, *spec.shape)!r}{dtype})")
        return f"{MODEL}({self.grouped(items, names, self.w.inputs)})"
