"""Keras symbol names: every spelling of a Keras symbol maps to one canonical dotted name.

``tf.keras.layers.Dense``, ``tensorflow.keras.layers.Dense``, ``keras.layers.Dense`` and a
``from keras import layers as L`` followed by ``L.Dense`` all become ``keras.layers.Dense``.
"""

from __future__ import annotations

_PREFIXES = (
    ("tensorflow.python.keras.", "keras."),
    ("tensorflow.keras.", "keras."),
    ("tf_keras.", "keras."),
    ("keras.src.", "keras."),
)
_ALIASES = {
    "keras.models.Model": "keras.Model",
    "keras.models.Sequential": "keras.Sequential",
    "keras.layers.Input": "keras.Input",
    "keras.engine.training.Model": "keras.Model",
    "keras.engine.sequential.Sequential": "keras.Sequential",
    "keras.models.Functional": "keras.Model",
}
KERAS_ROOTS = ("keras", "tensorflow", "tf_keras")


def canonical(qualname: str) -> str:
    """Canonical dotted name of a Keras symbol (other names are returned unchanged)."""
    if qualname in ("tensorflow.keras", "tensorflow.python.keras", "tf_keras"):
        return "keras"
    for prefix, replacement in _PREFIXES:
        if qualname.startswith(prefix):
            qualname = replacement + qualname[len(prefix) :]
            break
    return _ALIASES.get(qualname, qualname)
