"""What every model of a generated module shares: the Keras version its defaults come from,
custom classes and their imports, module-level names, nested models and block helpers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from kcodegen.saved.arguments import call_text, layer_constructor
from kcodegen.saved.config_graph import SavedLayer
from kcodegen.saved.naming import Scope


@dataclass
class Context:
    """What every model of the module shares: versions, custom classes, what it imports."""

    keras_version: str | None
    custom_modules: Sequence[str] = ()
    imports: set[str] = field(default_factory=set)  # extra import lines (custom classes)
    uses_ops: bool = False
    scope: Scope = field(default_factory=Scope)  # module-level names
    models: dict[str, str] = field(default_factory=dict)  # nested model name -> its variable
    helpers: list[str] = field(default_factory=list)  # block functions, in order

    def constructor(self, layer: SavedLayer) -> str:
        """The layer's constructor call, its name kept even where Keras made it up: weights
        saved by name load by it."""
        made = layer_constructor(layer.entry, self.keras_version, self.custom_modules)
        if made.import_line:
            self.imports.add(made.import_line)
        return call_text(made, keep=("name",))

    def custom_classes(self) -> frozenset[str]:
        """The classes of other modules the module imports (``from m import C``), as ``m.C``."""
        words = (line.split() for line in self.imports)
        return frozenset(f"{w[1]}.{w[3]}" for w in words if len(w) == 4 and w[0] == "from")
