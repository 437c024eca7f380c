"""KCG207: ``input_shape=`` / ``input_dim=`` / ``batch_input_shape=`` on a layer."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from kcodegen.frontend.keras_api import INPUT, INPUT_LAYER, is_layer_class
from kcodegen.frontend.names import canonical
from kcodegen.lint.rule import Edit, Finding, Fix, Invalid, LintContext, Rule
from kcodegen.lint.rules._ast import (
    Index,
    dotted_name,
    finding,
    index,
    line_start,
    offsets,
    remove_argument,
    source_of,
)
from kcodegen.lint.rules._imports import split_keras
from kcodegen.lint.rules._sequential import add_calls, listed_layers, sequential_calls

_ARGUMENTS = ("input_shape", "input_dim", "batch_input_shape")
# Layers for which one of those is a real parameter: Embedding's input_dim is its vocabulary size.
_OWN_PARAMETER = {
    "keras.layers.Embedding": "input_dim",
    "keras.layers.ReversibleEmbedding": "input_dim",
}


class InputShapeArgument(Rule):
    """What it finds: a layer given ``input_shape=``, ``input_dim=`` or ``batch_input_shape=``
    (and ``InputLayer(input_shape=...)``, whose argument is now ``shape=``). Embedding's
    ``input_dim``, its vocabulary size, is a real argument and is left alone.

    Why it matters: Keras 3 warns "Do not pass an `input_shape`/`input_dim` argument to a layer"
    and reads it only on the first layer of a Sequential model; anywhere else it is ignored, the
    warning being the only sign, and ``batch_input_shape=`` is an error ("Unrecognized keyword
    arguments"). A ``keras.Input`` states the shape once, where every model style reads it. The
    fix inserts that Input in front of a Sequential's first layer, spelled like the layers beside
    it (or as the file already imports ``Input``).

    Example:
        model = keras.Sequential([
            layers.Dense(64, activation="relu", input_shape=(784,)),
            layers.Dense(10),
        ])

    Use instead:
        model = keras.Sequential([
            layers.Input(shape=(784,)),
            layers.Dense(64, activation="relu"),
            layers.Dense(10),
        ])
    """

    code = "KCG207"
    name = "input-shape-argument"
    message = "pass the input shape with keras.Input, not to a layer"
    needs = "text"
    triggers = ("input_shape", "input_dim")
    fixable = True

    VALID = (
        "import keras\nmodel = keras.Sequential([keras.Input(shape=(784,)), keras.layers.Dense(10)])\n",
        "import keras\nlayer = MyLayer(input_shape=(3,))\n",  # a user's layer may take its own
        "from tf_keras import layers\nlayer = layers.Dense(4, input_dim=3)\n",  # Keras 2
        "import keras\nx = keras.Input(shape=(4,))\nlayer = keras.layers.InputLayer(batch_input_shape=(2, 4))\n",
        "from keras import layers\nembed = layers.Embedding(input_dim=1000, output_dim=64)\n",
        "import keras\nbase = keras.applications.ResNet50(include_top=False, input_shape=(224, 224, 3))\n",
    )
    INVALID = (
        Invalid(
            "import keras\nfrom keras import layers\n\n"
            "model = keras.Sequential([\n"
            '    layers.Dense(64, activation="relu", input_shape=(784,)),\n'
            "    layers.Dense(10),\n"
            "])\n",
            5,
            fixed="import keras\nfrom keras import layers\n\n"
            "model = keras.Sequential([\n"
            "    layers.Input(shape=(784,)),\n"
            '    layers.Dense(64, activation="relu"),\n'
            "    layers.Dense(10),\n"
            "])\n",
        ),
        Invalid(
            "from tensorflow.keras.models import Sequential\n"
            "from tensorflow.keras.layers import Dense, Input\n\n"
            "model = Sequential()\n"
            "model.add(Dense(32, input_dim=8))\n"
            "model.add(Dense(1))\n",
            5,
            fixed="from tensorflow.keras.models import Sequential\n"
            "from tensorflow.keras.layers import Dense, Input\n\n"
            "model = Sequential()\n"
            "model.add(Input(shape=(8,)))\n"
            "model.add(Dense(32))\n"
            "model.add(Dense(1))\n",
        ),
        Invalid(
            "import tensorflow as tf\n\nlayer = tf.keras.layers.InputLayer(input_shape=(28, 28))\n",
            3,
            fixed="import tensorflow as tf\n\nlayer = tf.keras.layers.InputLayer(shape=(28, 28))\n",
        ),
        Invalid(
            "from keras.layers import Dense\n\nx = Dense(10, input_shape=(4,))(inputs)\n", 3
        ),  # not in a Sequential: ignored, no Input to insert
        Invalid(
            "from keras import layers\n\nlayer = layers.LSTM(8, batch_input_shape=(32, 10, 4))\n",
            3,
        ),
    )

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        found = index(ctx)
        first_layers = dict(_first_layers(found))
        for call in found.calls:
            given = [kw for kw in call.keywords if kw.arg in _ARGUMENTS]
            if not given:
                continue
            cls = _keras_class(found, call.func)
            given = [kw for kw in given if _OWN_PARAMETER.get(cls or "") != kw.arg]
            if not given:
                continue
            if cls == INPUT_LAYER:
                yield from self._input_layer(ctx, call, given[0])
            elif cls is not None and cls.startswith("keras.layers.") and is_layer_class(cls):
                fix = self._insert_input(ctx, found, call, given[0], first_layers.get(id(call)))
                first = id(call) in first_layers
                yield finding(self, ctx, given[0], _message(given[0], first), fix)

    def _input_layer(
        self, ctx: LintContext, call: ast.Call, given: ast.keyword
    ) -> Iterator[Finding]:
        if given.arg == "input_shape":
            start, _ = offsets(ctx, given)
            fix = Fix(
                "rename input_shape= to shape=", (Edit(start, start + len("input_shape"), "shape"),)
            )
            yield finding(self, ctx, given, "InputLayer takes `shape=`, not `input_shape=`", fix)

    def _insert_input(
        self,
        ctx: LintContext,
        found: Index,
        call: ast.Call,
        given: ast.keyword,
        where: tuple[str, ast.expr, str | None] | None,
    ) -> Fix | None:
        """Put ``Input(shape=...)`` before the first layer of a Sequential and drop the argument."""
        input_name = _input_spelling(found, call.func)
        if where is None or input_name is None or given.arg == "batch_input_shape":
            return None
        shape = source_of(ctx, given.value)
        if given.arg == "input_dim":
            shape = f"({shape},)"
        layer_input = f"{input_name}(shape={shape})"
        kind, anchor, receiver = where
        place = line_start(ctx, anchor)
        start, _ = offsets(ctx, anchor)
        if kind == "list":
            text = f"{layer_input},\n{place[1]}" if place else f"{layer_input}, "
            insert = Edit(start, start, text)
        elif place is not None:
            insert = Edit(place[0], place[0], f"{place[1]}{receiver}.add({layer_input})\n")
        else:
            return None
        return Fix(
            "add an Input before the first layer", (insert, remove_argument(ctx, call, given))
        )


def _message(given: ast.keyword, first_in_sequential: bool) -> str:
    if given.arg == "batch_input_shape":
        return "Keras 3 layers reject `batch_input_shape=`; start the model with keras.Input(batch_shape=...)"
    if first_in_sequential:
        return f"Keras 3 warns about `{given.arg}=` on a layer; start the Sequential model with keras.Input"
    return f"Keras 3 warns about `{given.arg}=` on a layer and reads it only on a Sequential's first layer; use keras.Input"


def _keras_class(found: Index, func: ast.expr) -> str | None:
    """The canonical Keras 3 class a constructor names (Keras 2's ``tf_keras`` is left alone)."""
    qualname = found.qualname(func)
    if qualname is None or split_keras(qualname) is None:
        return None
    return found.resolve(func)


def _input_spelling(found: Index, func: ast.expr) -> str | None:
    """How to write ``Input`` next to this layer: ``layers.Input`` beside ``layers.Dense``, else a
    name the file already imports Input as."""
    if isinstance(func, ast.Attribute):
        module = found.resolve(func.value)
        if module in ("keras", "keras.layers") and isinstance(func.value, ast.Name | ast.Attribute):
            chain = dotted_name(func.value)
            return f"{chain}.Input" if chain else None
    return next((name for name, bound in found.bindings.items() if _is_input(bound)), None)


def _is_input(bound: str) -> bool:
    return canonical(bound) == INPUT and split_keras(bound) is not None


def _first_layers(found: Index) -> Iterator[tuple[int, tuple[str, ast.expr, str | None]]]:
    """The calls that create a Sequential's first layer (by id), with where an Input would go:
    before the first list item, or before the first ``.add`` after ``name = Sequential()`` in
    the same function."""
    events: list[tuple[ast.Call, str, str]] = []  # (call, "new" or "add", variable)
    for call in sequential_calls(found):
        layers = listed_layers(call)
        if layers and isinstance(layers[0], ast.Call):
            yield id(layers[0]), ("list", layers[0], None)
        elif not call.args and all(kw.arg != "layers" for kw in call.keywords):
            events += [
                (call, "new", name)
                for name, values in found.assigned.items()
                if any(value is call for value in values)
            ]
    events += [(call, "add", name) for call, name, _ in add_calls(found)]
    events.sort(key=lambda event: (event[0].lineno, event[0].col_offset))
    fresh: set[tuple[int, str]] = set()  # (scope, variable) holding a Sequential with no layer yet
    for call, kind, name in events:
        key = (found.scope_of(call), name)
        if kind == "new":
            fresh.add(key)
        elif key in fresh:
            fresh.discard(key)
            if isinstance(call.args[0], ast.Call):
                yield id(call.args[0]), ("add", call, name)
