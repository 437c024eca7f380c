"""What the frontend knows about Keras symbols, by canonical name (see ``names.canonical``)."""

from __future__ import annotations

import re

INPUT = "keras.Input"
INPUT_LAYER = "keras.layers.InputLayer"
MODEL = "keras.Model"
SEQUENTIAL = "keras.Sequential"
LAYER_BASE = "keras.layers.Layer"

# keras.layers.concatenate(...) and friends build a merge layer and call it at once.
MERGE_FUNCTIONS = {
    "keras.layers.add": "keras.layers.Add",
    "keras.layers.average": "keras.layers.Average",
    "keras.layers.concatenate": "keras.layers.Concatenate",
    "keras.layers.dot": "keras.layers.Dot",
    "keras.layers.maximum": "keras.layers.Maximum",
    "keras.layers.minimum": "keras.layers.Minimum",
    "keras.layers.multiply": "keras.layers.Multiply",
    "keras.layers.subtract": "keras.layers.Subtract",
}
MERGE_LAYERS = frozenset(MERGE_FUNCTIONS.values())

# Functions that give a tensor's static shape, like ``x.shape`` (see ``shapes``).
STATIC_SHAPE = frozenset({"keras.ops.shape", "keras.backend.int_shape"})

# Layers that make tensors when they are built, which a build inside a symbolic call would keep
# (see ``analysis.input_chain``): a subclass builds them in its own ``build()``.
BUILT_BEFORE_CALL = frozenset({"keras.layers.Normalization"})

# Layers whose call takes ``training``: a subclass's call() forwards the flag to them.
TRAINING_LAYERS = frozenset(
    f"keras.layers.{name}"
    for name in (
        "Dropout",
        "SpatialDropout1D",
        "SpatialDropout2D",
        "SpatialDropout3D",
        "AlphaDropout",
        "GaussianDropout",
        "GaussianNoise",
        "BatchNormalization",
        "RandomFlip",
        "RandomRotation",
        "RandomZoom",
        "RandomTranslation",
        "RandomContrast",
        "RandomCrop",
    )
)

# Namespaces whose functions are tensor operations rather than layers.
OP_NAMESPACES = ("keras.ops.", "keras.activations.", "keras.backend.", "tensorflow.", "tf.")


def is_layer_class(qualname: str) -> bool:
    """A Keras layer (or application model used as a layer) constructor."""
    if qualname.startswith("keras.applications."):
        return qualname.rsplit(".", 1)[-1][:1].isupper()
    if not qualname.startswith("keras.layers."):
        return False
    short = qualname.rsplit(".", 1)[-1]
    return short[:1].isupper() and qualname not in (INPUT_LAYER, LAYER_BASE)


def is_op(qualname: str) -> bool:
    return qualname.startswith(OP_NAMESPACES) and not qualname.startswith("tensorflow.keras")


def snake_case(name: str) -> str:
    """``Conv2D`` -> ``conv2d``, ``BatchNormalization`` -> ``batch_normalization``, as Keras names layers."""
    spaced = re.sub(r"(.)([A-Z][a-z0-9]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", spaced).lower()
