"""libcst source -> ModelGraphs, by abstract interpretation (see ``interpreter``).

``parse`` is imported on first use, so that ``keras_api`` and ``names``, which the lint rules read,
come without libcst: importing it takes as long as linting a hundred files.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kcodegen.frontend.errors import FrontendError, Unsupported
from kcodegen.frontend.select import select_models

if TYPE_CHECKING:
    from kcodegen.frontend.parse import ParsedModule, parse_models, parse_module

__all__ = [
    "FrontendError",
    "ParsedModule",
    "Unsupported",
    "parse_models",
    "parse_module",
    "select_models",
]


def __getattr__(name: str) -> Any:
    if name not in ("ParsedModule", "parse_models", "parse_module"):
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from kcodegen.frontend import parse

    return getattr(parse, name)
