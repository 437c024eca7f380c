"""Long lines of a generated module broken as black would break them: the first bracket's
contents on a line of their own, or one item a line when that is still too long."""

from __future__ import annotations

import io
import itertools
import tokenize

WIDTH = 99
_OPEN, _CLOSE = "([{", ")]}"
_FSTRING_START = getattr(tokenize, "FSTRING_START", None)  # Python 3.12 splits f-strings up
_FSTRING_END = getattr(tokenize, "FSTRING_END", None)


def wrap(text: str, width: int = WIDTH) -> str:
    return "\n".join(
        line if len(line) <= width else _split(line, width) for line in text.split("\n")
    )


def _split(line: str, width: int) -> str:
    indent = line[: len(line) - len(line.lstrip())]
    code = line.strip()
    brackets = _first_bracket(code)
    if brackets is None:
        return line
    start, end, commas = brackets
    head, inner, tail = code[: start + 1], code[start + 1 : end].strip(), code[end:]
    if not inner:
        return line
    one = f"{indent}    {inner}"
    if len(one) <= width:
        return f"{indent}{head}\n{one}\n{indent}{tail}"
    cuts = [start + 1, *(c + 1 for c in commas), end]
    items = [code[a:b].strip().rstrip(",").strip() for a, b in itertools.pairwise(cuts)]
    body = "".join(f"{indent}    {item},\n" for item in items if item)
    return f"{indent}{head}\n{body}{indent}{tail}"


def _first_bracket(code: str) -> tuple[int, int, list[int]] | None:
    """Offsets of the first top-level bracket, its partner, and the commas between them at
    its own depth; None when the line does not tokenize or has none."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(code).readline))
    except (tokenize.TokenError, SyntaxError):
        return None
    depth, start, in_fstring = 0, None, 0
    commas: list[int] = []
    for token in tokens:
        if token.type == _FSTRING_START:
            in_fstring += 1
        elif token.type == _FSTRING_END:
            in_fstring -= 1
        if in_fstring or token.type != tokenize.OP or token.start[0] != 1:
            continue
        offset = token.start[1]
        if token.string in _OPEN:
            if depth == 0 and start is None:
                start = offset
            depth += 1
        elif token.string in _CLOSE:
            depth -= 1
            if depth == 0 and start is not None:
                return start, offset, commas
        elif token.string == "," and depth == 1 and start is not None:
            commas.append(offset)
    return None
