"""The check a converted builder function starts with: it was called with the arguments kcg
followed (``frontend/followed.py``), or it raises instead of building another model than asked."""

from __future__ import annotations

import json
from collections.abc import Sequence

from kcodegen.frontend.followed import unwritable


class Unguarded(Exception):
    """A followed argument the converted code does not pass on has no test (``followed.py``)."""


def followed_guard(function: str, followed: Sequence[tuple[str, str, str]]) -> str | None:
    """``if blocks != [6, 12, 24, 16] or ...: raise NotImplementedError(...)``; None when no
    argument needs checking."""
    if not followed:
        return None
    for name, shown, test in followed:
        if not test:
            raise Unguarded(unwritable(name, function, shown))
    tests = [alternative for _, _, test in followed for alternative in test.split("\n")]
    if len(" or ".join(tests)) <= 70:
        condition = f"if {' or '.join(tests)}:"
    else:
        condition = "if (\n    " + "\n    or ".join(tests) + "\n):"
    values = [f"{name}={value}" for name, value, _ in followed]
    parts = [
        f"{function}() was converted by kcg for ",
        *(f"{value}, " for value in values[:-1]),
        f"{values[-1]} only: ",
        "convert the original again for other arguments",
    ]
    message = "\n".join(f"        {_string(part)}" for part in parts)
    return f"{condition}\n    raise NotImplementedError(\n{message}\n    )"


def _string(text: str) -> str:
    """A string literal of ``text``, in single quotes where it holds a double quote."""
    if '"' in text and "'" not in text and "\\" not in text:
        return f"'{text}'"
    return json.dumps(text, ensure_ascii=False)
