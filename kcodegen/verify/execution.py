"""What every kind of worker case shares (worker side: needs Keras): fresh Keras state, the user's
exceptions as one-line failures at their line, outputs as NumPy, and weights saved atomically.

A module of its own because the worker runs as ``__main__``: a case module importing these from
the worker would load it a second time, with a second ``Failed`` that the first does not catch.
"""

from __future__ import annotations

import os
import re
import traceback
from collections.abc import Mapping
from typing import Any

import keras

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
# Global Keras settings a model's code may change (the slicer keeps `set_floatx` and the like);
# each build starts from the defaults so one model's settings never leak into the other.
_CONFIG_DEFAULTS = {
    "set_floatx": keras.config.floatx(),
    "set_epsilon": keras.config.epsilon(),
    "set_image_data_format": keras.config.image_data_format(),
    "set_dtype_policy": keras.config.dtype_policy().name,
}


class Failed(Exception):
    """No verdict for this case: user code raised, or the models cannot be compared at all."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


def fresh_keras(settings: Mapping[str, object]) -> None:
    """Clear the Keras session and restore the default settings, then apply ``settings`` (what a
    conversion assumed). Without a full garbage collection, which costs more than building a
    small model; Python's own collector still frees what the last case left."""
    keras.backend.clear_session(free_memory=False)
    for name, value in _CONFIG_DEFAULTS.items():
        getattr(keras.config, name)(value)
    for name, value in settings.items():
        if name != "backend":  # verification runs on TensorFlow, the only backend assumed
            getattr(keras.config, f"set_{name}")(value)


def save_weights(model: Any, path: str) -> str:
    """Save atomically: a temporary file beside ``path``, then renamed over it."""
    folder, name = os.path.split(path)
    temporary = os.path.join(folder, f".{name}.{os.getpid()}.weights.h5")
    try:
        model.save_weights(temporary)
        os.replace(temporary, path)
    except Exception as exc:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise Failed("weights", f"{path}: cannot write the converted weights: {exc}") from exc
    return path


def to_numpy(value: Any) -> Any:
    return keras.tree.map_structure(keras.ops.convert_to_numpy, value)


def guard(
    path: str, kind: str, doing: str, func: Any, *args: Any, file: str | None = None, **kwargs: Any
) -> Any:
    """Call `func`; turn an exception into a one-line failure at the user's file, line and column.

    ``file`` is where the user's code really ran from when that is not ``path`` (a temporary copy):
    its frames give the line, the message names ``path``.
    """
    try:
        return func(*args, **kwargs)
    except Exception as exc:
        where = _user_position(exc, file or path)
        position = f"{path}:{where[0]}:{where[1]}" if where else path
        text = " ".join(error_text(exc).split())
        raise Failed(
            kind, f"{position}: {type(exc).__name__} while {doing} the model: {text}"
        ) from exc


def error_text(exc: Exception) -> str:
    """The exception's text without Keras's colour codes and call-context wrapper."""
    parts = [p.strip() for p in _ANSI.sub("", str(exc)).split("\n\n") if p.strip()]
    if len(parts) > 1 and parts[0].startswith("Exception encountered when calling"):
        return f"{parts[1]} ({parts[0].rstrip('.')})"
    return "\n\n".join(parts)


def _user_position(exc: BaseException, path: str) -> tuple[int, int] | None:
    """Line and column of the innermost traceback frame in the user's file (slices keep lines)."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == path]
    if frames:
        frame = frames[-1]
        return frame.lineno or 0, (frame.colno or 0) + 1
    cause = exc.__cause__ or exc.__context__
    return _user_position(cause, path) if cause is not None else None
