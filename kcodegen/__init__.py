"""kcodegen: read Keras model code as a graph, analyze it, and rewrite it in another Keras API."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kcodegen.saved.convert import SavedConversion

__version__ = "0.1.0"


def from_model(model: Any, to: str = "functional", **options: Any) -> SavedConversion:
    """A live Keras model written as a module in style ``to``; see ``kcodegen.saved.live``."""
    from kcodegen.saved.live import from_model as write

    return write(model, to, **options)  # type: ignore[arg-type]
