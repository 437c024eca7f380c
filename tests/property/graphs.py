"""Random valid Keras model graphs: plain data (inputs, a list of steps, outputs) with tracked shapes.

Every step refers only to earlier tensors, and its output shape is computed while drawing, so each
graph builds in Keras. Tensor ``t`` is input ``t`` when ``t < len(inputs)``, else the output of step
``t - len(inputs)``. Choices that shrink first are the simple ones (the latest tensor, a Dense layer,
one output), so Hypothesis reduces a failure to a short chain plus the construct that matters.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property
from typing import Literal

from hypothesis import strategies as st

Shape = tuple[int, ...]  # without the batch dimension
StepKind = Literal["layer", "shared", "op", "block"]

MERGES = ("Add", "Concatenate", "Multiply", "Subtract")
RECURRENT = ("LSTM", "GRU")
ACTIVATIONS = ('"relu"', '"tanh"', '"sigmoid"')
UNITS = (4, 2, 3, 8)  # few values, so tensors often share a shape and can be merged
MAX_OUTPUTS = 3


@dataclass(frozen=True)
class Input:
    shape: Shape
    dtype: str = "float32"  # "int32" inputs feed Embedding layers only


@dataclass(frozen=True)
class Layer:
    """A layer constructor: class name in ``keras.layers``, its arguments as source text, and for
    wrappers (``Bidirectional``, ``TimeDistributed``) the wrapped layer, passed first."""

    cls: str
    args: tuple[str, ...] = ()
    inner: Layer | None = None


@dataclass(frozen=True)
class Step:
    """One call producing one tensor.

    ``layer``: a new layer (``Add`` and friends take several inputs). ``shared``: the layer or block
    of step ``shares`` called again. ``op``: a ``keras.ops`` call or Python operator (see ``OPS``).
    ``block``: a small Functional model, the chain ``block``, used as a layer.
    """

    kind: StepKind
    inputs: tuple[int, ...]
    shape: Shape
    layer: Layer | None = None
    shares: int | None = None
    op: str | None = None
    block: tuple[Layer, ...] = ()


# Ops by name: (number of tensors, the ranks they apply to). The emitter writes their source.
OPS: dict[str, tuple[int, tuple[int, ...]]] = {
    "scale": (1, (1, 2, 3)),  # 0.5 * x
    "neg": (1, (1, 2, 3)),  # -x
    "div": (1, (1, 2, 3)),  # x / 2.0
    "rsub": (1, (1, 2, 3)),  # 1.0 - x
    "square": (1, (1, 2, 3)),  # x**2
    "relu": (1, (1, 2, 3)),  # ops.relu(x)
    "sum": (1, (1, 2, 3)),  # ops.sum(x, axis=-1, keepdims=True)
    "mean": (1, (2, 3)),  # ops.mean(x, axis=1)
    "index": (1, (2, 3)),  # x[:, 0]
    "transpose": (1, (2,)),  # ops.transpose(x, (0, 2, 1))
    "add": (2, (1, 2, 3)),  # a + b (b may be a itself)
    "sub": (2, (1, 2, 3)),  # a - b
    "mul": (2, (1, 2, 3)),  # a * b
    "concat": (2, (1, 2, 3)),  # ops.concatenate([a, b], axis=-1)
}


def op_shape(name: str, shapes: list[Shape]) -> Shape:
    shape = shapes[0]
    if name in ("mean", "index"):
        return shape[1:]
    if name == "sum":
        return (*shape[:-1], 1)
    if name == "transpose":
        return (shape[1], shape[0])
    if name == "concat":
        return (*shape[:-1], sum(s[-1] for s in shapes))
    return shape


@dataclass(frozen=True)
class Graph:
    inputs: tuple[Input, ...]
    steps: tuple[Step, ...]
    outputs: tuple[int, ...]
    embedding_dim: int = 10  # input_dim of every Embedding, so one integer range fits them all

    @cached_property
    def _consumers(self) -> dict[int, list[int]]:
        found: dict[int, list[int]] = {}
        for index, step in enumerate(self.steps):
            for tensor in step.inputs:
                found.setdefault(tensor, []).append(index)
        return found

    def shape(self, tensor: int) -> Shape:
        if tensor < len(self.inputs):
            return self.inputs[tensor].shape
        return self.steps[tensor - len(self.inputs)].shape

    def step_of(self, tensor: int) -> int | None:
        """The step that produces ``tensor``; None for an input."""
        return tensor - len(self.inputs) if tensor >= len(self.inputs) else None

    def tensor_of(self, step: int) -> int:
        return step + len(self.inputs)

    def consumers(self, tensor: int) -> list[int]:
        """Steps that take ``tensor``, once per step."""
        return sorted(set(self._consumers.get(tensor, [])))

    def owner(self, step: int) -> int:
        """The step that created the layer (or block) that ``step`` calls."""
        shares = self.steps[step].shares
        return step if shares is None else shares

    def calls_of(self, owner: int) -> list[int]:
        return [i for i, s in enumerate(self.steps) if s.kind != "op" and self.owner(i) == owner]

    @property
    def is_chain(self) -> bool:
        """What ``keras.Sequential`` can hold: one input, each step a new single-input layer (or
        nested model) on the previous tensor, one output. Ops are not layers; a layer instance
        cannot be added twice (Keras requires unique layer names)."""
        if len(self.inputs) != 1 or len(self.outputs) != 1:
            return False
        return all(
            step.kind in ("layer", "block") and step.inputs == (index,)
            for index, step in enumerate(self.steps)
        ) and self.outputs == (len(self.steps),)


# ----------------------------------------------------------------- drawing layers on one tensor


def _dense(draw: st.DrawFn, shape: Shape) -> tuple[Layer, Shape]:
    units = draw(st.sampled_from(UNITS))
    activation = draw(st.sampled_from((None, *ACTIVATIONS)))
    args = (str(units),) + ((f"activation={activation}",) if activation else ())
    return Layer("Dense", args), (*shape[:-1], units)


def _conv(draw: st.DrawFn, shape: Shape, cls: str) -> tuple[Layer, Shape]:
    *spatial, _ = shape
    filters = draw(st.integers(1, 6))
    kernel = draw(st.integers(1, min(3, *spatial)))
    padding = draw(st.sampled_from(('"same"', '"valid"')))
    strides = draw(st.sampled_from((1, 2)))
    if padding == '"same"':
        out = [-(-d // strides) for d in spatial]
    else:
        out = [(d - kernel) // strides + 1 for d in spatial]
    args = (str(filters), str(kernel), f"padding={padding}")
    return Layer(cls, args + ((f"strides={strides}",) if strides > 1 else ())), (*out, filters)


def _recurrent(draw: st.DrawFn, shape: Shape) -> tuple[Layer, Shape]:
    units = draw(st.sampled_from(UNITS))
    sequences = draw(st.booleans())
    args = (str(units),) + (("return_sequences=True",) if sequences else ())
    layer = Layer(draw(st.sampled_from(RECURRENT)), args)
    return layer, ((shape[0], units) if sequences else (units,))


def _reshape(shape: Shape) -> tuple[Layer, Shape] | None:
    if len(shape) == 1:
        size = shape[0]
        divisor = next((d for d in range(2, size) if size % d == 0), None)
        if divisor is None:
            return None
        target: Shape = (size // divisor, divisor)
    elif len(shape) == 2:
        target = (shape[0] * shape[1],)
    else:
        target = (shape[0] * shape[1], shape[2])
    return Layer("Reshape", (repr(target),)), target


SAME_SHAPE = ("Activation", "Dropout", "BatchNormalization", "LayerNormalization", "ReLU")


def _layer_options(shape: Shape) -> list[str]:
    rank = len(shape)
    options = ["Dense", *SAME_SHAPE]
    if _reshape(shape) is not None:
        options.append("Reshape")
    if rank == 2:
        options += ["Conv1D", "GlobalAveragePooling1D", "GlobalMaxPooling1D", "Recurrent"]
        options += ["Bidirectional", "UpSampling1D", "ZeroPadding1D"]
        if shape[0] >= 2:
            options += ["MaxPooling1D", "AveragePooling1D"]
    if rank == 3:
        options += ["Conv2D", "GlobalAveragePooling2D", "GlobalMaxPooling2D"]
        if min(shape[:2]) >= 2:
            options += ["MaxPooling2D", "AveragePooling2D"]
    if rank >= 2:
        options += ["Flatten", "TimeDistributed"]
    return options


def _new_layer(
    draw: st.DrawFn, shape: Shape, embedding_dim: int, dtype: str
) -> tuple[Layer, Shape]:
    if dtype == "int32":
        width = draw(st.integers(2, 6))
        return Layer("Embedding", (str(embedding_dim), str(width))), (*shape, width)
    cls = draw(st.sampled_from(_layer_options(shape)))
    if cls == "Dense":
        return _dense(draw, shape)
    if cls in ("Conv1D", "Conv2D"):
        return _conv(draw, shape, cls)
    if cls == "Recurrent":
        return _recurrent(draw, shape)
    if cls == "Bidirectional":
        inner, out = _recurrent(draw, shape)
        return Layer(cls, inner=inner), (*out[:-1], 2 * out[-1])
    if cls == "TimeDistributed":
        inner, out = _dense(draw, shape[1:])
        return Layer(cls, inner=inner), (shape[0], *out)
    if cls == "Activation":
        return Layer(cls, (draw(st.sampled_from(ACTIVATIONS)),)), shape
    if cls == "Dropout":
        return Layer(cls, (draw(st.sampled_from(("0.5", "0.25"))),)), shape
    if cls == "Reshape":
        return _reshape(shape)  # type: ignore[return-value]
    if cls.startswith("Global"):
        return Layer(cls), (shape[-1],)
    if cls.endswith("Pooling1D"):
        return Layer(cls, ("2",)), (shape[0] // 2, shape[1])
    if cls.endswith("Pooling2D"):
        return Layer(cls, ("2",)), (shape[0] // 2, shape[1] // 2, shape[2])
    if cls == "UpSampling1D":
        return Layer(cls, ("2",)), (2 * shape[0], shape[1])
    if cls == "ZeroPadding1D":
        return Layer(cls, ("1",)), (shape[0] + 2, shape[1])
    if cls == "Flatten":
        return Layer(cls), (math.prod(shape),)
    return Layer(cls), shape  # the rest of SAME_SHAPE


def _block(draw: st.DrawFn, shape: Shape) -> tuple[tuple[Layer, ...], Shape]:
    """The inner chain of a nested Functional model: one to three layers."""
    layers = []
    for _ in range(draw(st.integers(1, 3))):
        layer, shape = _new_layer(draw, shape, 0, "float32")
        layers.append(layer)
    return tuple(layers), shape


# ----------------------------------------------------------------------------- the graph


class _Builder:
    """Inputs and steps drawn so far, with the shapes and dtypes needed to choose valid steps."""

    def __init__(self, inputs: list[Input], embedding_dim: int) -> None:
        self.inputs = inputs
        self.steps: list[Step] = []
        self.embedding_dim = embedding_dim

    @property
    def count(self) -> int:
        return len(self.inputs) + len(self.steps)

    def shape(self, tensor: int) -> Shape:
        if tensor < len(self.inputs):
            return self.inputs[tensor].shape
        return self.steps[tensor - len(self.inputs)].shape

    def dtype(self, tensor: int) -> str:
        return self.inputs[tensor].dtype if tensor < len(self.inputs) else "float32"

    def floats(self) -> list[int]:
        return [t for t in range(self.count) if self.dtype(t) == "float32"]

    def consumed(self) -> set[int]:
        return {t for step in self.steps for t in step.inputs}

    def add(self, step: Step) -> int:
        self.steps.append(step)
        return self.count - 1

    def pick(self, draw: st.DrawFn, candidates: list[int]) -> int:
        """A tensor, counted back from the newest: shrinks towards chains."""
        back = draw(st.integers(0, len(candidates) - 1))
        return candidates[-1 - back]

    def layer_step(self, draw: st.DrawFn, tensor: int) -> Step:
        layer, shape = _new_layer(draw, self.shape(tensor), self.embedding_dim, self.dtype(tensor))
        return Step("layer", (tensor,), shape, layer=layer)

    def partners(self, tensor: int, concat: bool, itself: bool) -> list[int]:
        """Float tensors that combine with ``tensor``: same shape, or same but the last axis."""
        shape = self.shape(tensor)
        return [
            t
            for t in self.floats()
            if (itself or t != tensor)
            and (self.shape(t)[:-1] == shape[:-1] if concat else self.shape(t) == shape)
        ]

    def reusable(self) -> list[tuple[int, int]]:
        """(step, tensor): a single-input layer or block that can be called again on ``tensor``."""
        pairs = []
        for index, step in enumerate(self.steps):
            if step.shares is not None or step.kind not in ("layer", "block"):
                continue
            if step.layer is not None and step.layer.cls in MERGES:
                continue
            (source,) = step.inputs
            pairs += [
                (index, t)
                for t in range(self.count)
                if t != source
                and self.shape(t) == self.shape(source)
                and self.dtype(t) == self.dtype(source)
            ]
        return pairs


def _step(draw: st.DrawFn, b: _Builder) -> Step | None:
    """One more step on the graph so far; None when the drawn kind has nothing to work on."""
    kind = draw(st.sampled_from(("layer", "merge", "op", "shared", "block")))
    if kind == "layer":
        return b.layer_step(draw, b.pick(draw, list(range(b.count))))
    floats = b.floats()
    if not floats:
        return None
    tensor = b.pick(draw, floats)
    shape = b.shape(tensor)
    if kind == "block":
        inner, out = _block(draw, shape)
        return Step("block", (tensor,), out, block=inner)
    if kind == "shared":
        pairs = b.reusable()
        if not pairs:
            return None
        owner, target = draw(st.sampled_from(pairs))
        return Step("shared", (target,), b.steps[owner].shape, shares=owner)
    if kind == "op":
        name = draw(st.sampled_from(list(OPS)))
        arity, ranks = OPS[name]
        if len(shape) not in ranks:
            return None
        operands: tuple[int, ...] = (tensor,)
        if arity == 2:
            operands += (draw(st.sampled_from(b.partners(tensor, name == "concat", True))),)
        return Step("op", operands, op_shape(name, [b.shape(t) for t in operands]), op=name)
    cls = draw(st.sampled_from(MERGES))
    others = b.partners(tensor, cls == "Concatenate", False)
    if not others:
        return None
    extra = 1 if cls == "Subtract" else draw(st.integers(1, min(2, len(others))))
    chosen = draw(st.lists(st.sampled_from(others), min_size=extra, max_size=extra, unique=True))
    merged = (tensor, *chosen)
    out = (*shape[:-1], sum(b.shape(t)[-1] for t in merged)) if cls == "Concatenate" else shape
    return Step("layer", merged, out, layer=Layer(cls))


def _finish(draw: st.DrawFn, b: _Builder, max_outputs: int) -> tuple[int, ...]:
    """Give every input a consumer, join loose ends until at most ``max_outputs`` remain, maybe
    add an intermediate tensor as one more output, and order the outputs."""
    for tensor in range(len(b.inputs)):
        if tensor not in b.consumed():
            shape = b.shape(tensor)
            if b.dtype(tensor) == "int32":
                layer = Layer("Embedding", (str(b.embedding_dim), "4"))
                b.add(Step("layer", (tensor,), (*shape, 4), layer=layer))
            else:
                b.add(Step("layer", (tensor,), (*shape[:-1], 4), layer=Layer("Dense", ("4",))))
    sinks = [t for t in range(len(b.inputs), b.count) if t not in b.consumed()]
    while len(sinks) > max_outputs:
        flat = []
        for tensor in sinks[-2:]:
            shape = b.shape(tensor)
            if len(shape) > 1:
                tensor = b.add(
                    Step("layer", (tensor,), (math.prod(shape),), layer=Layer("Flatten"))
                )
            flat.append(tensor)
        width = sum(b.shape(t)[0] for t in flat)
        joined = b.add(Step("layer", tuple(flat), (width,), layer=Layer("Concatenate")))
        sinks = [*sinks[:-2], joined]
    inner = [t for t in range(len(b.inputs), b.count) if t not in sinks]
    if len(sinks) < MAX_OUTPUTS and inner and draw(st.integers(0, 3)) == 3:
        sinks.append(draw(st.sampled_from(inner)))
    return tuple(draw(st.permutations(sinks)))


_INPUT_SHAPES = {
    1: st.tuples(st.sampled_from((8, 4, 6, 3))),
    2: st.tuples(st.integers(2, 6), st.integers(1, 4)),
    3: st.tuples(st.integers(2, 5), st.integers(2, 5), st.integers(1, 3)),
}


@st.composite
def inputs(draw: st.DrawFn) -> Input:
    if draw(st.integers(0, 4)) == 4:
        return Input((draw(st.integers(2, 6)),), "int32")
    rank = draw(st.integers(1, 3))
    return Input(draw(_INPUT_SHAPES[rank]))


@st.composite
def graphs(draw: st.DrawFn, max_steps: int = 8) -> Graph:
    """A valid model graph with one to three inputs and outputs."""
    drawn = draw(st.lists(inputs(), min_size=1, max_size=3))
    b = _Builder(drawn, draw(st.integers(3, 12)))
    for _ in range(draw(st.integers(0, max_steps))):
        step = _step(draw, b)
        if step is not None:
            b.add(step)
    outputs = _finish(draw, b, draw(st.integers(1, MAX_OUTPUTS)))
    return Graph(tuple(b.inputs), tuple(b.steps), outputs, b.embedding_dim)
