"""One saved-model case (worker side: needs Keras): a generated module against the saved model it
was written from, with the saved model's own weights.

The saved model is loaded as Keras saved it (a ``.json`` config gets seeded random weights); the
generated module is run as its user will run it, as a script, and gives its model by variable.
The saved weights are copied in by layer name (``by_name.py``), then both models run on the same
seeded inputs in every way the saved model takes them: as the dict it declares, or positionally and
also as a dict keyed by name when its inputs are a list all named.
"""

from __future__ import annotations

import importlib
import os
import re
import runpy
import tempfile
from pathlib import Path
from typing import Any

import keras
import numpy as np

from kcodegen.verify.by_name import copy_by_name
from kcodegen.verify.compare import compare_outputs, no_output
from kcodegen.verify.execution import (
    Failed,
    error_text,
    fresh_keras,
    guard,
    save_weights,
    to_numpy,
)
from kcodegen.verify.feed import make_inputs
from kcodegen.verify.report import BY_NAME

# The names Keras gives inputs nobody named (Keras 3, Keras 2, a bare tensor): not taken by name,
# as for source models, where only ``keras.Input(name=...)`` makes a name.
_AUTO_INPUT_NAME = re.compile(r"(input_layer|input|keras_tensor)(_\d+)?")

Call = tuple[str, Any, Any]  # output-name prefix, inputs, the saved model's outputs on them


def saved_folders(request: dict[str, Any]) -> set[str]:
    """Where the case's imports are found: the current directory (the modules of custom classes)
    and the generated module's folder (``python module.py`` puts it first on sys.path)."""
    folders = (Path(request["cwd"]), Path(request["path"]).parent)
    return {str(folder.resolve()) for folder in folders if folder.is_dir()}


class SavedCase:
    def __init__(self, request: dict[str, Any]) -> None:
        self.request = request
        self.path = request["path"]  # the generated module's, for messages
        self.atol, self.rtol = request["atol"], request["rtol"]

    def run(self) -> dict[str, Any]:
        request = self.request
        fresh_keras({})
        saved = self._load()
        calls = _calls(saved, request["saved"], np.random.default_rng(request["seed"]))
        with tempfile.TemporaryDirectory() as folder:
            script = os.path.join(folder, _script_name(self.path))
            Path(script).write_text(request["source"], encoding="utf-8")
            generated = self._generated(script)
            # Built before the copy: a subclassed model creates its weights on its first call.
            self._guard("build", "building", generated, calls[0][1], script)
            copied = copy_by_name(saved, generated, self.path)
            outputs = self._compare(generated, calls, script)
        report: dict[str, Any] = {
            "outputs": outputs,
            "weight_problems": [],
            "copied": copied,
            "first_difference": None,
        }
        agree = outputs and not any(output["problem"] for output in outputs)
        if agree and request["weights_out"] is not None:
            report["weights_written"] = save_weights(generated, request["weights_out"])
        return report

    def _load(self) -> Any:
        """The saved model, its custom classes imported first (they register themselves) and
        also given by class name."""
        saved, request = self.request["saved"], self.request
        custom = _custom_objects(request["custom_modules"], saved)
        try:
            if saved.endswith(".json"):
                keras.utils.set_random_seed(request["seed"])  # the config has no weights
                text = Path(saved).read_text(encoding="utf-8")
                return keras.models.model_from_json(text, custom_objects=custom)
            return keras.saving.load_model(saved, custom_objects=custom, compile=False)
        except Exception as exc:
            raise Failed("load", f"{saved}: cannot load the saved model: {_one_line(exc)}") from exc

    def _generated(self, script: str) -> Any:
        """The model the module binds, run as ``python module.py`` runs it."""
        try:
            namespace = guard(
                self.path,
                "build",
                "building",
                runpy.run_path,
                script,
                run_name="__main__",
                file=script,
            )
        except SystemExit as stop:  # its `if __name__ == "__main__":` code ran too
            raise Failed("build", f"{self.path}: the module exited ({stop.code})") from stop
        variable = self.request["variable"]
        model = namespace.get(variable)
        if variable not in namespace:
            raise Failed("build", f"{self.path}: the module binds no `{variable}`")
        if not isinstance(model, keras.Model):
            found = type(model).__name__
            raise Failed("build", f"{self.path}: `{variable}` is a {found}, not a keras.Model")
        return model

    def _compare(self, generated: Any, calls: list[Call], script: str) -> list[dict[str, Any]]:
        """The outputs of both models, call by call. The first call's inputs built the generated
        model, so it takes them; a later one is the dict by name, which it may refuse."""
        outputs = []
        for index, (prefix, inputs, expected) in enumerate(calls):
            if index == 0:
                got = self._guard("run", "running", generated, inputs, script)
            else:
                try:
                    got = generated(inputs, training=False)
                except Exception as exc:
                    problem = (
                        f"the saved model accepts its inputs as a dict keyed by name "
                        f"({', '.join(inputs)}), the generated model does not: {_one_line(exc)}"
                    )
                    outputs.append(no_output(f"{prefix}inputs", problem))
                    continue
            compared = compare_outputs(expected, to_numpy(got), atol=self.atol, rtol=self.rtol)
            outputs += [{**output, "name": f"{prefix}{output['name']}"} for output in compared]
        return outputs

    def _guard(self, kind: str, doing: str, model: Any, inputs: Any, script: str) -> Any:
        return guard(self.path, kind, doing, model, inputs, training=False, file=script)


def _custom_objects(modules: list[str], saved: str) -> dict[str, type]:
    """The classes defined in ``modules``, by name, each module imported."""
    found: dict[str, type] = {}
    for name in modules:
        try:
            module = importlib.import_module(name)
        except Exception as exc:
            message = f"cannot import `{name}` for its custom classes: {_one_line(exc)}"
            raise Failed("load", f"{saved}: {message}") from exc
        found.update(
            (key, value)
            for key, value in vars(module).items()
            if isinstance(value, type) and value.__module__ == module.__name__
        )
    return found


def _calls(saved: Any, saved_path: str, rng: np.random.Generator) -> list[Call]:
    """Each way the saved model takes the seeded inputs, with its outputs; positional first."""
    tensors = getattr(saved, "inputs", None)
    if not tensors:
        raise Failed("input", f"{saved_path}: the saved model has no inputs (it was never built)")
    bound = _embedding_bound(saved)
    signature = [_spec(tensor, bound) for tensor in tensors]
    try:
        arrays = make_inputs(signature, "list", rng, {})
    except (ValueError, TypeError) as exc:  # an input dtype feed.py cannot make
        raise Failed("input", f"{saved_path}: {exc}") from exc
    by_name = _by_name(saved, tensors, arrays)
    if isinstance(getattr(saved, "_inputs_struct", None), dict):
        # Its inputs are a dict: that is how it is called (Keras also takes a list, leniently).
        ways = [(BY_NAME, by_name)]
    else:
        ways = [("", arrays[0] if len(arrays) == 1 else arrays)]
        if by_name is not None:
            ways.append((BY_NAME, by_name))
    calls, refused = [], []
    for prefix, inputs in ways:
        try:
            calls.append((prefix, inputs, to_numpy(saved(inputs, training=False))))
        except Exception as exc:
            refused.append(exc)
    if not calls:
        message = f"the saved model does not run on seeded inputs: {_one_line(refused[0])}"
        raise Failed("run", f"{saved_path}: {message}")
    return calls


def _spec(tensor: Any, bound: int | None) -> dict[str, Any]:
    """A feed.py input spec: batch dropped, integers below the smallest Embedding's size."""
    return {
        "shape": list(tensor.shape[1:]),
        "dtype": tensor.dtype,
        "value_range": None,
        "maxval": bound,
        "maxval_text": None,
        "key": tensor.name,
    }


def _embedding_bound(model: Any) -> int | None:
    sizes = [
        layer.input_dim
        for layer in model._flatten_layers(include_self=False, recursive=True)
        if isinstance(layer, keras.layers.Embedding)
    ]
    return min(sizes, default=None)


def _by_name(saved: Any, tensors: list[Any], arrays: list[Any]) -> dict[str, Any] | None:
    """The inputs as a dict: by the saved model's own keys, or by name when they are a list of
    inputs all named by someone; None otherwise."""
    structure = getattr(saved, "_inputs_struct", None)
    array_of = {id(tensor): array for tensor, array in zip(tensors, arrays, strict=True)}
    if isinstance(structure, dict):
        return {key: array_of[id(tensor)] for key, tensor in structure.items()}
    named = not any(_AUTO_INPUT_NAME.fullmatch(tensor.name) for tensor in tensors)
    if isinstance(structure, list | tuple) and named:
        return {tensor.name: array_of[id(tensor)] for tensor in tensors}
    return None


def _script_name(path: str) -> str:
    """The generated module's own file name when it has one, for ``__file__`` and tracebacks."""
    name = os.path.basename(path)
    return name if name.endswith(".py") else "generated.py"


def _one_line(exc: Exception) -> str:
    return f"{type(exc).__name__}: {' '.join(error_text(exc).split())}"
