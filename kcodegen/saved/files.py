"""A saved model's file to its config: the ``.keras`` zip, a legacy ``.h5`` or a JSON config.

Nothing here imports TensorFlow or Keras; h5py is imported only for ``.h5`` files.
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kcodegen.saved.errors import UnreadableModel

SUFFIXES = (".keras", ".h5", ".hdf5", ".json")


@dataclass(frozen=True)
class SavedFile:
    """A model's serialized config (``{"class_name": ..., "config": ...}``) and where it came
    from."""

    path: str
    model: dict[str, Any]
    keras_version: str | None
    has_weights: bool  # a JSON config has none: verification starts from seeded weights


def is_saved_model(path: str) -> bool:
    return Path(path).suffix.lower() in SUFFIXES


def read_saved(path: str) -> SavedFile:
    """The config in ``path``; ``UnreadableModel`` when it is not a saved Keras model."""
    suffix = Path(path).suffix.lower()
    if not Path(path).is_file():
        raise UnreadableModel("no such file")
    if suffix == ".keras":
        return _read_archive(path)
    if suffix in (".h5", ".hdf5"):
        return _read_h5(path)
    return _read_json(path)


def _read_archive(path: str) -> SavedFile:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "config.json" not in names:
                raise UnreadableModel("not a Keras model archive: it has no config.json")
            config = _loads(archive.read("config.json"), "config.json")
            metadata = (
                _loads(archive.read("metadata.json"), "metadata.json")
                if "metadata.json" in names
                else {}
            )
    except zipfile.BadZipFile:
        raise UnreadableModel("not a Keras model archive (.keras files are zip files)") from None
    return SavedFile(
        path, _model(config), metadata.get("keras_version"), "model.weights.h5" in names
    )


def _read_h5(path: str) -> SavedFile:
    try:
        import h5py
    except ImportError:
        raise UnreadableModel("reading .h5 models needs h5py: pip install 'kcodegen[h5]'") from None
    try:
        with h5py.File(path, "r") as file:
            raw = file.attrs.get("model_config")
            version = file.attrs.get("keras_version")
            has_weights = "model_weights" in file
    except OSError as error:
        raise UnreadableModel(f"not an HDF5 file: {error}") from None
    if raw is None:
        raise UnreadableModel(
            "this .h5 file has weights but no model config (saved with save_weights?)"
        )
    version = version.decode() if isinstance(version, bytes) else version
    return SavedFile(path, _model(_loads(raw, "model_config")), version, has_weights)


def _read_json(path: str) -> SavedFile:
    text = Path(path).read_bytes()
    return SavedFile(path, _model(_loads(text, "the file")), None, False)


def _loads(raw: bytes | str, what: str) -> Any:
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError) as error:
        raise UnreadableModel(f"{what} is not JSON: {error}") from None


def _model(config: Any) -> dict[str, Any]:
    """``model.to_json()``'s form; ``get_config()``'s (the inner dict) is wrapped to match."""
    if (
        isinstance(config, dict)
        and isinstance(config.get("config"), dict)
        and "class_name" in config
    ):
        return config
    if isinstance(config, dict) and isinstance(config.get("layers"), list):
        kind = "Functional" if "input_layers" in config else "Sequential"
        return {"class_name": kind, "module": "keras", "config": config}
    raise UnreadableModel("not a Keras model config: no class_name and config, nor layers")
