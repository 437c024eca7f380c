"""Why a saved model cannot become code."""

from __future__ import annotations

from kcodegen.errors import BadInput, KcgError


class UnreadableModel(BadInput):
    """Not a saved Keras model kcg can read (exit code 2)."""


class Unwritable(KcgError):
    """A saved model kcg reads but cannot write as code: a Lambda, a subclassed model, a custom
    class whose module is unknown (exit code 1). ``layer`` names the layer when there is one."""

    def __init__(self, message: str, layer: str | None = None) -> None:
        super().__init__(f"layer `{layer}`: {message}" if layer else message)
        self.layer = layer
