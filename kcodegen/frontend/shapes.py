"""Static output shapes of common Keras layers, for code that branches on a shape.

``if stride != 1 or x.shape[-1] != filters:`` in a residual block decides the model's structure;
the interpreter answers it with these rules instead of running Keras. Shapes include the batch
dimension (``None``). Each rule is Keras 3's own arithmetic for channels-last data; anything else (an
unknown layer, an argument that is not a constant, ``channels_first``) gives ``None``, and the
caller refuses with the reason rather than guess.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from kcodegen.ir.graph import tensor_refs

if TYPE_CHECKING:
    from kcodegen.frontend.builder import GraphBuilder

Shape = tuple[int | None, ...]


class Config:
    """A layer's constructor arguments as values, by position and keyword; ``NOT_CONSTANT`` for
    one whose value the interpreter does not know (reading it stops the rule)."""

    def __init__(self, args: Sequence[Any], kwargs: dict[str, Any]) -> None:
        self.args = list(args)
        self.kwargs = kwargs

    def get(self, keyword: str, position: int | None = None, default: Any = None) -> Any:
        if keyword in self.kwargs:
            value = self.kwargs[keyword]
        elif position is not None and position < len(self.args):
            value = self.args[position]
        else:
            return default
        if value is NOT_CONSTANT:
            raise NotConstant(f"its `{keyword}` argument is not a constant")
        return value


NOT_CONSTANT = object()


class NotStatic(Exception):
    """A shape cannot be known without running the model; the message says why."""


class NotConstant(NotStatic):
    """A layer argument a rule needs is not a constant."""


Rule = Callable[[Config, list[Shape]], Shape]
_RULES: dict[str, Rule] = {}


def output_shape(
    cls: str, config: Config, inputs: list[Shape], rule: Rule | None = None
) -> Shape | None:
    """The shape of ``cls(...)(inputs)`` by Keras' rule for ``cls`` or by ``rule``, or None when
    it cannot be known statically."""
    rule = _RULES.get(cls, rule)
    if rule is None or not inputs or config.get("data_format") == "channels_first":
        return None
    try:
        return rule(config, inputs)
    except NotConstant:
        raise
    except (NotStatic, TypeError, ValueError, IndexError, ZeroDivisionError):
        return None  # arguments or input shapes of a form the rule does not know


def knows(cls: str) -> bool:
    return cls in _RULES


def _rule(*names: str) -> Callable[[Rule], Rule]:
    def register(rule: Rule) -> Rule:
        for name in names:
            _RULES[f"keras.layers.{name}"] = rule
        return rule

    return register


def _ints(value: Any, rank: int) -> tuple[int, ...]:
    """``3`` or ``(3, 3)`` as one int per spatial dimension."""
    if isinstance(value, int) and not isinstance(value, bool):
        return (value,) * rank
    if (
        isinstance(value, tuple | list)
        and len(value) == rank
        and all(isinstance(v, int) for v in value)
    ):
        return tuple(value)
    raise NotStatic(value)


def _spatial(
    shape: Shape,
    kernel: Sequence[int],
    strides: Sequence[int],
    padding: str,
    dilation: Sequence[int],
) -> Shape:
    """Batch, the convolved or pooled spatial sizes, channels (unchanged here)."""
    if padding not in ("valid", "same"):
        raise NotStatic(padding)
    sizes: list[int | None] = []
    for size, k, s, d in zip(shape[1:-1], kernel, strides, dilation, strict=True):
        if size is None:
            sizes.append(None)
        elif padding == "same":
            sizes.append(math.ceil(size / s))
        else:
            sizes.append((size - d * (k - 1) - 1) // s + 1)
    return (shape[0], *sizes, shape[-1])


def _conv(config: Config, inputs: list[Shape], rank: int, filters: int) -> Shape:
    (shape,) = inputs
    if len(shape) != rank + 2:
        raise NotStatic(shape)
    kernel = _ints(config.get("kernel_size", 1), rank)
    strides = _ints(config.get("strides", 2, 1), rank)
    dilation = _ints(config.get("dilation_rate", 5, 1), rank)
    out = _spatial(shape, kernel, strides, config.get("padding", 3, "valid"), dilation)
    return (*out[:-1], filters)


@_rule("Dense")
def _dense(config: Config, inputs: list[Shape]) -> Shape:
    (shape,) = inputs
    units = config.get("units", 0)
    if not isinstance(units, int):
        raise NotStatic(units)
    return (*shape[:-1], units)


def _register_convolutions() -> None:
    for rank in (1, 2, 3):

        def conv(config: Config, inputs: list[Shape], rank: int = rank) -> Shape:
            filters = config.get("filters", 0)
            if not isinstance(filters, int):
                raise NotStatic(filters)
            return _conv(config, inputs, rank, filters)

        _rule(f"Conv{rank}D", f"SeparableConv{rank}D")(conv)

        def pool(config: Config, inputs: list[Shape], rank: int = rank) -> Shape:
            (shape,) = inputs
            size = _ints(config.get("pool_size", 0, 2), rank)
            strides = config.get("strides", 1, None)
            step = size if strides is None else _ints(strides, rank)
            padding = config.get("padding", 2, "valid")
            return _spatial(shape, size, step, padding, (1,) * rank)

        _rule(f"MaxPooling{rank}D", f"AveragePooling{rank}D")(pool)

        def global_pool(config: Config, inputs: list[Shape], rank: int = rank) -> Shape:
            (shape,) = inputs
            if config.get("keepdims", None, False):
                return (shape[0], *(1,) * rank, shape[-1])
            return (shape[0], shape[-1])

        _rule(f"GlobalMaxPooling{rank}D", f"GlobalAveragePooling{rank}D")(global_pool)


_register_convolutions()


@_rule("DepthwiseConv2D")
def _depthwise(config: Config, inputs: list[Shape]) -> Shape:
    (shape,) = inputs
    kernel = _ints(config.get("kernel_size", 0), 2)
    strides = _ints(config.get("strides", 1, 1), 2)
    dilation = _ints(config.get("dilation_rate", None, 1), 2)
    out = _spatial(shape, kernel, strides, config.get("padding", 2, "valid"), dilation)
    multiplier = config.get("depth_multiplier", 3, 1)
    return (*out[:-1], None if out[-1] is None else out[-1] * multiplier)


@_rule("Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose")
def _transpose(config: Config, inputs: list[Shape]) -> Shape:
    (shape,) = inputs
    rank = len(shape) - 2
    kernel = _ints(config.get("kernel_size", 1), rank)
    strides = _ints(config.get("strides", 2, 1), rank)
    padding = config.get("padding", 3, "valid")
    if config.get("output_padding") is not None or padding not in ("valid", "same"):
        raise NotStatic(padding)
    sizes = [
        None if n is None else n * s if padding == "same" else n * s + max(k - s, 0)
        for n, k, s in zip(shape[1:-1], kernel, strides, strict=True)
    ]
    return (shape[0], *sizes, config.get("filters", 0))


@_rule(
    "Activation",
    "BatchNormalization",
    "Dropout",
    "ELU",
    "GaussianDropout",
    "GaussianNoise",
    "GroupNormalization",
    "LayerNormalization",
    "LeakyReLU",
    "Normalization",
    "PReLU",
    "ReLU",
    "Rescaling",
    "Softmax",
    "SpatialDropout1D",
    "SpatialDropout2D",
    "SpatialDropout3D",
    "UnitNormalization",
)
def _same(config: Config, inputs: list[Shape]) -> Shape:
    (shape,) = inputs
    return shape


@_rule("Flatten")
def _flatten(config: Config, inputs: list[Shape]) -> Shape:
    (shape,) = inputs
    rest = shape[1:]
    return (shape[0], None if None in rest else math.prod(rest))  # type: ignore[arg-type]


@_rule("Reshape")
def _reshape(config: Config, inputs: list[Shape]) -> Shape:
    (shape,) = inputs
    target = tuple(config.get("target_shape", 0))
    if target.count(-1) == 1:
        known = shape[1:]
        if None in known:
            raise NotStatic(shape)
        size = math.prod(known)  # type: ignore[arg-type]
        missing = size // -math.prod(target)
        target = tuple(missing if d == -1 else d for d in target)
    return (shape[0], *target)


@_rule("Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum")
def _elementwise(config: Config, inputs: list[Shape]) -> Shape:
    return broadcast(inputs)


@_rule("Concatenate")
def _concatenate(config: Config, inputs: list[Shape]) -> Shape:
    axis = config.get("axis", 0, -1)
    rank = len(inputs[0])
    if any(len(shape) != rank for shape in inputs):
        raise NotStatic(inputs)
    axis = axis % rank
    sizes = [shape[axis] for shape in inputs]
    joined = None if None in sizes else sum(sizes)  # type: ignore[arg-type]
    return (*inputs[0][:axis], joined, *inputs[0][axis + 1 :])


@_rule("Embedding")
def _embedding(config: Config, inputs: list[Shape]) -> Shape:
    (shape,) = inputs
    return (*shape, config.get("output_dim", 1))


@_rule("LSTM", "GRU", "SimpleRNN")
def _recurrent(config: Config, inputs: list[Shape]) -> Shape:
    (shape,) = inputs
    if config.get("return_state", None, False):
        raise NotStatic("return_state")
    units = config.get("units", 0)
    if config.get("return_sequences", None, False):
        return (shape[0], shape[1], units)
    return (shape[0], units)


@_rule("UpSampling1D", "UpSampling2D", "UpSampling3D")
def _upsampling(config: Config, inputs: list[Shape]) -> Shape:
    (shape,) = inputs
    size = _ints(config.get("size", 0, 2), len(shape) - 2)
    return (
        shape[0],
        *(None if n is None else n * s for n, s in zip(shape[1:-1], size, strict=True)),
        shape[-1],
    )


def _pad_or_crop(keyword: str, sign: int) -> Rule:
    """Padding adds, cropping removes ``n``, ``(a, b)`` per dimension or ``((a, b), ...)``."""

    def rule(config: Config, inputs: list[Shape]) -> Shape:
        (shape,) = inputs
        rank = len(shape) - 2
        value = config.get(keyword, 0, 1)
        if isinstance(value, int):
            pairs = [(value, value)] * rank
        elif rank == 1 and len(value) == 2 and all(isinstance(v, int) for v in value):
            pairs = [tuple(value)]
        elif all(isinstance(v, int) for v in value):
            pairs = [(v, v) for v in value]
        else:
            pairs = [tuple(v) for v in value]
        if len(pairs) != rank:
            raise NotStatic(value)
        sizes = [
            None if n is None else n + sign * (a + b)
            for n, (a, b) in zip(shape[1:-1], pairs, strict=True)
        ]
        return (shape[0], *sizes, shape[-1])

    return rule


_rule("ZeroPadding1D", "ZeroPadding2D", "ZeroPadding3D")(_pad_or_crop("padding", 1))
_rule("Cropping1D", "Cropping2D", "Cropping3D")(_pad_or_crop("cropping", -1))


@_rule("RepeatVector")
def _repeat(config: Config, inputs: list[Shape]) -> Shape:
    (shape,) = inputs
    return (shape[0], config.get("n", 0), shape[-1])


@_rule("Permute")
def _permute(config: Config, inputs: list[Shape]) -> Shape:
    (shape,) = inputs
    return (shape[0], *(shape[d] for d in config.get("dims", 0)))


def broadcast(shapes: Sequence[Shape]) -> Shape:
    """NumPy broadcasting of the shapes (an unknown size meets 1 or itself)."""
    rank = max(len(shape) for shape in shapes)
    padded = [(1,) * (rank - len(shape)) + tuple(shape) for shape in shapes]
    out: list[int | None] = []
    for sizes in zip(*padded, strict=True):
        known = {size for size in sizes if size not in (1, None)}
        if len(known) > 1:
            raise NotStatic(shapes)
        if known:
            out.append(known.pop())
        elif None in sizes:
            out.append(None)
        else:
            out.append(1)
    return tuple(out)


# keras.ops functions that keep their operand's shape.
_ELEMENTWISE_OPS = re.compile(
    r"(?:\w+\.)*(?:relu|relu6|sigmoid|tanh|gelu|silu|swish|softplus|softsign|elu|selu|exp|log"
    r"|abs|sqrt|square|negative|sign|floor|ceil|round|cos|sin)\($"
)
_OPERATORS = re.compile(r"[\s()+\-*/%.0-9e]*")


class Inference:
    """Shapes of the tensors a ``GraphBuilder`` holds, each worked out once, on demand.

    ``configs`` holds each layer's arguments as they were when it was created (a loop may rebind the
    names they are written with); ``rules`` those of the file's layer classes that have one
    (``custom_shapes.py``). ``shape`` raises ``NotStatic`` with the reason a user reads.
    """

    def __init__(self, builder: GraphBuilder, configs: dict[str, Config]) -> None:
        self.builder = builder
        self.configs = configs
        self.rules: dict[str, Rule | None] = {}  # the file's own layer classes, by name
        self._known: dict[str, Shape | NotStatic] = {}

    def shape(self, tensor_id: str) -> Shape:
        if tensor_id not in self._known:
            self._work_out(tensor_id)
        found = self._known[tensor_id]
        if isinstance(found, NotStatic):
            raise found
        return found

    def _work_out(self, tensor_id: str) -> None:
        """Shapes from the earliest unknown tensor up to ``tensor_id``, with a stack of its own:
        asking for ``x.shape`` after 10,000 layers must not recurse 10,000 deep."""
        pending = [tensor_id]
        while pending:
            current = pending[-1]
            if current in self._known:
                pending.pop()
                continue
            waiting = [t for t in self._used(current) if t not in self._known]
            if waiting:
                pending.extend(waiting)
                continue
            pending.pop()
            try:
                self._known[current] = self._infer(current)
            except NotStatic as reason:
                self._known[current] = reason

    def _infer(self, tensor_id: str) -> Shape:
        tensor = self.builder.tensors[tensor_id]
        producer = tensor.producer
        if producer in self.builder.inputs:
            spec = self.builder.inputs[producer]
            if spec.shape is None:
                raise NotStatic(f"the shape of input `{spec.name}` is not known")
            return (None, *spec.shape)
        inputs = self._input_shapes(tensor_id)
        if producer in self.builder.nodes:
            layer = self.builder.layers[self.builder.nodes[producer].layer]
            where = f"`{layer.cls.rsplit('.', 1)[-1]}` (line {layer.span.line})"
            config = self.configs.get(layer.id)
            rule = self.rules.get(layer.cls)
            if tensor.index != 0 or not (knows(layer.cls) or rule) or config is None:
                raise NotStatic(f"kcg does not know the output shape of {where}")
            try:
                shape = output_shape(layer.cls, config, inputs, rule)
            except NotConstant as why:
                raise NotStatic(f"kcg cannot work out the output shape of {where}: {why}") from None
            if shape is None:
                raise NotStatic(f"kcg cannot work out the output shape of {where}")
            return shape
        op = self.builder.ops[producer]
        texts = [part for part in op.template if isinstance(part, str)]
        unary_call = len(op.inputs) == 1 and len(texts) == 2 and texts[1].strip() == ")"
        if all(_OPERATORS.fullmatch(text) for text in texts) or (
            unary_call and _ELEMENTWISE_OPS.fullmatch(texts[0].strip())
        ):
            return broadcast(inputs)
        raise NotStatic(f"kcg does not know the shape of `{op.text}` (line {op.span.line})")

    def _used(self, tensor_id: str) -> list[str]:
        """The tensors the producer of ``tensor_id`` reads."""
        producer = self.builder.tensors[tensor_id].producer
        if producer in self.builder.nodes:
            node = self.builder.nodes[producer]
            return [t for arg in node.args for t in tensor_refs(arg)]
        if producer in self.builder.ops:
            return list(self.builder.ops[producer].inputs)
        return []  # a model input

    def _input_shapes(self, tensor_id: str) -> list[Shape]:
        return [self.shape(t) for t in self._used(tensor_id)]  # each known already
