"""Keras configuration that code reads at run time (``backend.image_data_format()``), and what kcg
assumes for it: the Keras default, unless the user says otherwise with ``--assume``.

Every keras.applications builder branches on ``image_data_format()``. kcg follows the branch the
assumed value takes, says so in its report, and runs verification under the same setting.
"""

from __future__ import annotations

from dataclasses import dataclass

# The settings, their Keras defaults, and the values ``--assume`` accepts (None: any number).
DEFAULTS: dict[str, object] = {
    "image_data_format": "channels_last",
    "floatx": "float32",
    "epsilon": 1e-07,
    "backend": "tensorflow",
}
CHOICES: dict[str, tuple[str, ...] | None] = {
    "image_data_format": ("channels_last", "channels_first"),
    "floatx": ("float16", "bfloat16", "float32", "float64"),
    "epsilon": None,
    "backend": ("tensorflow",),  # verification runs on TensorFlow
}
_NAMESPACES = ("keras.config.", "keras.backend.")


def setting(qualname: str) -> str | None:
    """The setting a function reads (``keras.backend.floatx`` -> ``floatx``), or None."""
    for namespace in _NAMESPACES:
        name = qualname.removeprefix(namespace)
        if name != qualname and name in DEFAULTS:
            return name
    return None


def parse_assumption(text: str) -> tuple[str, object]:
    """``image_data_format=channels_first`` -> the setting and its value; ValueError says why not."""
    name, sep, value = text.partition("=")
    if not sep or name not in DEFAULTS:
        raise ValueError(f"{text!r}: expected SETTING=VALUE, a setting of {', '.join(DEFAULTS)}")
    choices = CHOICES[name]
    if choices is None:
        try:
            return name, float(value)
        except ValueError:
            raise ValueError(f"{text!r}: {name} takes a number") from None
    if value not in choices:
        raise ValueError(f"{text!r}: {name} is one of {', '.join(choices)}")
    return name, value


@dataclass(frozen=True)
class Assumption:
    """A setting the model's code read, the value kcg took, and the first line that read it."""

    name: str
    value: object
    line: int
    given: bool  # by --assume; otherwise the Keras default

    def describe(self) -> str:
        value = f'"{self.value}"' if isinstance(self.value, str) else repr(self.value)
        said = f"{self.name}() == {value}"
        if self.given:
            return f"assumed {said} (--assume)"
        other = next((c for c in CHOICES[self.name] or () if c != self.value), None)
        change = f"--assume {self.name}={other}" if other else f"--assume {self.name}=VALUE"
        return f"assumed {said} (Keras default; {change} to change)"
