"""KCG304: ``model.build(shape)`` on a subclass without ``build()``, which creates no weights."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from kcodegen.frontend.keras_api import LAYER_BASE, MODEL, SEQUENTIAL, is_layer_class
from kcodegen.lint.rule import Finding, Invalid, LintContext, Rule
from kcodegen.lint.rules._ast import Index, dotted_name, finding, index, method_calls, subclasses_of

_BASES = (MODEL, LAYER_BASE, "keras.Layer")


class BuildWithoutBuildMethod(Rule):
    """What it finds: ``model.build(input_shape)`` on an instance of a Model or Layer subclass
    that creates layers in ``__init__`` but defines no ``build()`` of its own (one that only calls
    ``super().build()`` does not count).

    Why it matters: Keras 3's default ``build()`` does not run the model: it only marks it built
    and warns that "the layer does not have a `build()` method implemented and it looks like it
    has unbuilt state". No weights exist afterwards, so ``summary()`` shows no parameters and
    ``load_weights()`` right after it silently loads nothing. (Keras 2 ran ``call()`` here.)

    Example:
        model = Classifier()
        model.build((None, 784))
        model.load_weights("classifier.weights.h5")

    Use instead:
        model = Classifier()
        model(keras.Input(shape=(784,)))  # a symbolic call: every layer creates its weights
        model.load_weights("classifier.weights.h5")
    """

    code = "KCG304"
    name = "build-without-build-method"
    message = "build() on a subclass without build() creates no weights in Keras 3; call the model on data instead"
    needs = "text"
    triggers = (".build(",)

    VALID = (
        "import keras\n\nclass Net(keras.Model):\n    def __init__(self):\n        super().__init__()\n"
        "        self.dense = keras.layers.Dense(4)\n\n    def build(self, shape):\n"
        "        self.dense.build(shape)\n\n    def call(self, x):\n        return self.dense(x)\n\n"
        "net = Net()\nnet.build((None, 8))\n",
        "import keras\n\nmodel = keras.Sequential([keras.layers.Dense(4)])\nmodel.build((None, 8))\n",
        "import keras\n\nclass Scale(keras.layers.Layer):\n    def call(self, x):\n        return x * 2\n\n"
        "layer = Scale()\nlayer.build((None, 3))\n",  # no state: nothing to build
    )
    INVALID = (
        Invalid(
            "import keras\n\nclass Net(keras.Model):\n    def __init__(self):\n        super().__init__()\n"
            "        self.dense = keras.layers.Dense(4)\n\n    def call(self, x):\n"
            "        return self.dense(x)\n\nnet = Net()\nnet.build((None, 8))\n",
            12,
        ),
        Invalid(
            "from tensorflow import keras\nfrom tensorflow.keras import layers\n\n"
            "class Net(keras.Model):\n    def __init__(self):\n        super().__init__()\n"
            "        self.dense = layers.Dense(4)\n        self.build((None, 8))\n\n"
            "    def build(self, input_shape):\n        super().build(input_shape)\n",
            8,
        ),
    )

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        found = index(ctx)
        classes = set().union(*(subclasses_of(found, base) for base in _BASES))
        unbuilt = {
            name
            for name in classes
            if _has_state(found, name, classes) and not _builds(found, name)
        }
        if not unbuilt:
            return
        for call, func in method_calls(found, "build"):
            owner = _instance_class(found, func.value)
            if owner in unbuilt:
                yield finding(self, ctx, call, _message(owner))
        for name in sorted(unbuilt):
            for node in ast.walk(found.classes[name]):
                if isinstance(node, ast.Call) and dotted_name(node.func) == "self.build":
                    yield finding(self, ctx, node, _message(name))


def _message(cls: str) -> str:
    return (
        f"`{cls}` has no build() of its own, so build() creates no weights in Keras 3; "
        "call the model on data instead"
    )


def _instance_class(found: Index, receiver: ast.expr) -> str | None:
    """The class of the file a variable was made from, when it is assigned once."""
    if not isinstance(receiver, ast.Name):
        return None
    value = found.single_value(receiver.id)
    if isinstance(value, ast.Call):
        return dotted_name(value.func)
    return None


def _ancestry(found: Index, name: str) -> Iterator[ast.ClassDef]:
    """The class and its ancestors defined in the file."""
    pending = [name]
    while pending:
        cls = found.classes.get(pending.pop())
        if cls is not None:
            yield cls
            pending.extend(n for n in map(dotted_name, cls.bases) if n)


def _methods(found: Index, name: str, method: str) -> Iterator[ast.FunctionDef]:
    for cls in _ancestry(found, name):
        for node in cls.body:
            if isinstance(node, ast.FunctionDef) and node.name == method:
                yield node


def _builds(found: Index, name: str) -> bool:
    """Whether a build() of the class (or an ancestor in the file) does more than call super's."""
    return any(not _only_super(method) for method in _methods(found, name, "build"))


def _only_super(method: ast.FunctionDef) -> bool:
    """A build() whose body is only a docstring, ``pass`` or ``super().build(...)``."""
    return all(
        isinstance(statement, ast.Pass)
        or (
            isinstance(statement, ast.Expr)
            and (isinstance(statement.value, ast.Constant) or _is_super_build(statement.value))
        )
        for statement in method.body
    )


def _is_super_build(node: ast.expr) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "build"
        and isinstance(node.func.value, ast.Call)
        and dotted_name(node.func.value.func) == "super"
    )


def _has_state(found: Index, name: str, classes: set[str]) -> bool:
    """Whether __init__ creates layers: state the default build() leaves unbuilt."""
    for method in _methods(found, name, "__init__"):
        for node in ast.walk(method):
            if isinstance(node, ast.Call):
                if dotted_name(node.func) in classes:
                    return True
                cls = found.resolve(node.func)
                if cls is not None and (is_layer_class(cls) or cls in (MODEL, SEQUENTIAL)):
                    return True
    return False
