"""KCG208: saving a whole model to a path Keras 3 refuses (no ``.keras`` or ``.h5``)."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from kcodegen.frontend.keras_api import MODEL, SEQUENTIAL
from kcodegen.lint.rule import Finding, Invalid, LintContext, Rule
from kcodegen.lint.rules._ast import (
    Index,
    argument,
    constant,
    dotted_name,
    finding,
    index,
    keyword,
    keyword_value,
    literal_ending,
    method_calls,
    subclasses_of,
)
from kcodegen.lint.rules._imports import split_keras

_MODEL_FILES = (".keras", ".h5", ".hdf5")
_SAVE_FUNCTIONS = ("keras.saving.save_model", "keras.models.save_model")
_CHECKPOINT = "keras.callbacks.ModelCheckpoint"
_MAKES_MODELS = (MODEL, SEQUENTIAL, "keras.models.load_model", "keras.saving.load_model")


class ModelSavePath(Rule):
    """What it finds: ``model.save(path)``, ``keras.saving.save_model(model, path)`` and
    ``ModelCheckpoint(path)`` (saving whole models) with a path that does not end in ``.keras``
    or ``.h5`` (``ModelCheckpoint`` takes no ``.hdf5`` either), and the deprecated ``save_format=``.

    Why it matters: Keras 3 no longer writes TensorFlow SavedModel directories from ``save``: it
    raises "Invalid filepath extension for saving" (for ``ModelCheckpoint``, "The filepath
    provided must end in `.keras`"), typically after a long training run. Only literal paths
    and calls on names known to hold a Keras model are checked.

    Example:
        model.save("saved_models/classifier")
        checkpoint = keras.callbacks.ModelCheckpoint("best-{epoch:02d}.hdf5")

    Use instead:
        model.save("saved_models/classifier.keras")
        model.export("saved_models/classifier")  # a SavedModel for serving
        checkpoint = keras.callbacks.ModelCheckpoint("best-{epoch:02d}.keras")
    """

    code = "KCG208"
    name = "model-save-path"
    message = "Keras 3 saves models only to `.keras` (or legacy `.h5`) files"
    needs = "text"
    triggers = (".save(", "save_model(", "ModelCheckpoint")
    fixable = False

    VALID = (
        "import keras\nmodel = keras.Sequential([keras.layers.Dense(1)])\nmodel.save('model.keras')\n",
        "import keras\nimage.save('picture')\nnp.save('array', x)\n",  # not models
        "import keras\nnet = torch_model()\nnet.compile()\nnet.save('weights')\n",
        "import keras\nmodel = keras.models.load_model('m.keras')\nmodel.save(f'{root}/model.h5')\n",
        "import keras\ncb = keras.callbacks.ModelCheckpoint('w.weights.h5', save_weights_only=True)\n",
        "import keras\ncb = keras.callbacks.ModelCheckpoint('w.weights.h5', save_weights_only=flag)\n",
        "import keras\nmodel = keras.Sequential()\nmodel.save(path)\n",
    )
    INVALID = (
        Invalid(
            "import keras\n\nmodel = keras.Sequential([keras.layers.Dense(1)])\n"
            "model.save('saved_models/classifier')\n",
            4,
        ),
        Invalid(
            "from tensorflow import keras\n\n"
            "cb = keras.callbacks.ModelCheckpoint('best-{epoch:02d}.hdf5', save_best_only=True)\n",
            3,
        ),
        Invalid(
            "import keras\n\nclass Net(keras.Model):\n    pass\n\nnet = Net()\nnet.compile('adam')\n"
            "net.save('net', save_format='tf')\n",
            8,
        ),
        Invalid("import keras\n\nkeras.saving.save_model(model, 'exported/model')\n", 3),
        Invalid(
            "import keras\n\nmodel = build_model()\nmodel.compile(optimizer='adam', loss='mse')\n"
            "model.save('my_model')\n",
            5,
        ),
    )

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        found = index(ctx)
        models = _model_names(found)
        for call, func in method_calls(found, "save"):
            if dotted_name(func.value) in models:
                yield from self._check_save(ctx, call, argument(call, 0, "filepath"))
        for call in found.calls:
            qualname = found.qualname(call.func)
            if qualname is None or split_keras(qualname) is None:
                continue
            target = found.resolve(call.func)
            if target in _SAVE_FUNCTIONS:
                yield from self._check_save(ctx, call, argument(call, 1, "filepath"))
            elif target == _CHECKPOINT:
                yield from self._check_checkpoint(ctx, call)

    def _check_checkpoint(self, ctx: LintContext, call: ast.Call) -> Iterator[Finding]:
        weights_only = keyword_value(call, "save_weights_only")
        path = literal_ending(argument(call, 0, "filepath"))
        if weights_only is not None and constant(weights_only) is not False:
            return  # weights: KCG209's business
        if path is not None and not path.endswith((".keras", ".h5")):
            message = "Keras 3's ModelCheckpoint saves models only to `.keras` (or `.h5`) files"
            yield finding(self, ctx, call, message)

    def _check_save(
        self, ctx: LintContext, call: ast.Call, path: ast.expr | None
    ) -> Iterator[Finding]:
        ending = literal_ending(path)
        if keyword(call, "save_format") is not None:
            yield finding(
                self,
                ctx,
                call,
                "Keras 3 deprecates `save_format=` (an error unless the path ends in `.keras` or "
                "`.h5`); the extension decides",
            )
        elif (
            ending is not None
            and not ending.endswith(_MODEL_FILES)
            and not ending.startswith("hf://")
        ):
            yield finding(self, ctx, call, f"{self.message}; use model.export() for a SavedModel")


def _model_names(found: Index) -> set[str]:
    """Names that hold a Keras model: assigned a model constructor, ``load_model`` or a Model
    subclass of the file, or compiled with a loss or an optimizer."""
    subclasses = subclasses_of(found, MODEL)
    names = {
        name
        for name, values in found.assigned.items()
        if any(
            isinstance(value, ast.Call)
            and (
                found.resolve(value.func) in _MAKES_MODELS or dotted_name(value.func) in subclasses
            )
            for value in values
        )
    }
    for call, func in method_calls(found, "compile"):
        receiver = dotted_name(func.value)
        if receiver and (call.args or any(kw.arg in ("loss", "optimizer") for kw in call.keywords)):
            names.add(receiver)
    return names
