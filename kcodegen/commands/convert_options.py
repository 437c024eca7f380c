"""What ``kcg convert`` was asked to do, for source files and saved models alike."""

from __future__ import annotations

from dataclasses import dataclass, field

from kcodegen.ir import Style


@dataclass(frozen=True)
class ConvertOptions:
    style: Style
    model: str | None = None
    output: str | None = None
    in_place: bool = False
    diff: bool = False
    check: bool = False
    verify: bool | None = None  # None: verify when TensorFlow is installed
    input_shapes: dict[str, tuple[int | None, ...]] = field(default_factory=dict)
    binds: dict[str, str] = field(default_factory=dict)
    timeout: float = 120.0
    weights: str | None = None  # the original's trained weights, carried to the converted model
    weights_out: str | None = None  # where the converted model's weights go, once verified
    assume: dict[str, object] = field(default_factory=dict)  # Keras settings, by --assume
    variable: str = "model"  # a saved model's module binds the model to this name
    custom_modules: tuple[str, ...] = ()  # where a saved model's custom classes live
