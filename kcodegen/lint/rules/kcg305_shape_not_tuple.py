"""KCG305: a shape written as a bare number, ``shape=(784)`` instead of ``shape=(784,)``."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from kcodegen.frontend.keras_api import INPUT, INPUT_LAYER, is_layer_class
from kcodegen.lint.rule import Edit, Finding, Fix, Invalid, LintContext, Rule
from kcodegen.lint.rules._ast import Index, argument, finding, index, keyword_value, offsets
from kcodegen.lint.rules._imports import split_keras

# Where each constructor takes a shape: its position (None: keyword only) and keyword.
_SHAPES: dict[str, tuple[tuple[int | None, str], ...]] = {
    INPUT: ((0, "shape"), (None, "batch_shape")),
    INPUT_LAYER: ((0, "shape"), (None, "batch_shape"), (None, "input_shape")),
    "keras.layers.Reshape": ((0, "target_shape"), (None, "input_shape")),
}
_ANY_LAYER = ((None, "input_shape"),)
# A number or a name where a shape goes; the names must be ones the file assigns a number to.
_SHAPE_ARGUMENT = re.compile(
    r"(?:shape\s*=|Input\s*\(|InputLayer\s*\(|Reshape\s*\()\s*\(?\s*(\w+)\s*\)?\s*[,)]"
)
_NUMBER_CONSTANT = re.compile(r"^[ \t]*(\w+)[ \t]*=[ \t]*\d\w*[ \t]*(?:#.*)?$", re.M)


class ShapeNotTuple(Rule):
    """What it finds: a shape given as a single number, often in parentheses that do not make a
    tuple: ``keras.Input(shape=(784))``, ``layers.Reshape((28))``, ``input_shape=(10)``.

    Why it matters: ``(784)`` is just the integer 784; a one-dimensional shape is ``(784,)``.
    Keras 3 fails with "Cannot convert '784' to a shape" (``Reshape``: "'int' object is not
    iterable"). The fix adds the comma.

    Example:
        inputs = keras.Input(shape=(784))

    Use instead:
        inputs = keras.Input(shape=(784,))
    """

    code = "KCG305"
    name = "shape-not-tuple"
    message = "a shape must be a tuple: write `(n,)`, not `(n)`"
    needs = "text"
    triggers = ("shape", "Input", "Reshape")
    fixable = True

    VALID = (
        "import keras\ninputs = keras.Input(shape=(784,))\n",
        "import keras\ninputs = keras.Input(shape=shape)\nx = keras.layers.Reshape(target)(inputs)\n",
        "import keras\nlayer = keras.layers.RepeatVector(3)\n",
        "import numpy as np\na = np.zeros(shape=(3))\n",
    )
    INVALID = (
        Invalid(
            "import keras\n\ninputs = keras.Input(shape=(784))\n",
            3,
            fixed="import keras\n\ninputs = keras.Input(shape=(784,))\n",
        ),
        Invalid(
            "from keras import layers\n\nx = layers.Reshape( (28) )(x)\n",
            3,
            fixed="from keras import layers\n\nx = layers.Reshape( (28,) )(x)\n",
        ),
        Invalid(
            "from tensorflow.keras.layers import Dense\n\nFEATURES = 10\n"
            "layer = Dense(1, input_shape=FEATURES)\n",
            4,
            fixed="from tensorflow.keras.layers import Dense\n\nFEATURES = 10\n"
            "layer = Dense(1, input_shape=(FEATURES,))\n",
        ),
        Invalid(
            "from tensorflow.keras.layers import Input\n\nimage = Input(shape=(28), name='pixels')\n",
            3,
            fixed="from tensorflow.keras.layers import Input\n\nimage = Input(shape=(28,), name='pixels')\n",
        ),
        Invalid(
            "import keras\n\ninputs = keras.Input(784)\n",
            3,
            fixed="import keras\n\ninputs = keras.Input((784,))\n",
        ),
    )

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        if not _may_have_bare_shape(ctx.source):
            return
        found = index(ctx)
        for call in found.calls:
            for position, keyword in _shape_places(found, call.func):
                if position is None:
                    value = keyword_value(call, keyword)
                else:
                    value = argument(call, position, keyword)
                if value is not None and _is_number(found, value):
                    start, end = _written(ctx, call, value)
                    text = ctx.source[start:end].strip()
                    inner = text[1:-1].strip() if text.startswith("(") else text
                    fix = Fix("make it a tuple", (Edit(start, end, f"({inner},)"),))
                    yield finding(self, ctx, value, fix=fix)


def _may_have_bare_shape(source: str) -> bool:
    """A cheap look at the text before any tree is walked."""
    written = {found[1] for found in _SHAPE_ARGUMENT.finditer(source)}
    if any(word[:1].isdigit() for word in written):
        return True
    return bool(written) and any(found[1] in written for found in _NUMBER_CONSTANT.finditer(source))


def _shape_places(found: Index, func: ast.expr) -> tuple[tuple[int | None, str], ...]:
    qualname = found.qualname(func)
    if qualname is None or split_keras(qualname) is None:
        return ()
    cls = found.resolve(func) or ""
    if cls in _SHAPES:
        return _SHAPES[cls]
    return _ANY_LAYER if is_layer_class(cls) else ()


def _is_number(found: Index, value: ast.expr) -> bool:
    if isinstance(value, ast.Name):
        assigned = found.single_value(value.id)
        value = assigned if assigned is not None else value
    return isinstance(value, ast.Constant) and type(value.value) is int


def _written(ctx: LintContext, call: ast.Call, value: ast.expr) -> tuple[int, int]:
    """The value's text with the parentheses written around it (not the call's own)."""
    source = ctx.source
    start, end = offsets(ctx, value)
    _, func_end = offsets(ctx, call.func)
    floor = source.index("(", func_end) + 1  # just inside the call's own parenthesis
    while True:
        before, after = start, end
        while before > floor and source[before - 1].isspace():
            before -= 1
        while after < len(source) and source[after].isspace():
            after += 1
        if before - 1 < floor or source[before - 1] != "(" or source[after : after + 1] != ")":
            return start, end
        start, end = before - 1, after + 1
