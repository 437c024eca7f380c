"""A live Keras model as code: its config, written like a saved one. This path imports Keras
(the model is already in memory)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from kcodegen.ir import Style
from kcodegen.saved.convert import SavedConversion, convert_config


def from_model(
    model: Any,
    to: Style = "functional",
    *,
    variable: str = "model",
    custom_modules: Sequence[str] = (),
) -> SavedConversion:
    """The module that builds ``model``, in style ``to`` (``.output``); its weights are the
    caller's to save (``model.save_weights``), since the layers keep their names."""
    import keras

    config = json.loads(model.to_json())
    return convert_config(
        config,
        to,
        keras_version=keras.__version__,
        variable=variable,
        custom_modules=custom_modules,
        has_weights=True,
    )
