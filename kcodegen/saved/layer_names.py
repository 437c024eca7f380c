"""The part of layer names that tells one block from another: ``conv2_block1`` in
``conv2_block1_1_conv``, ``conv2_block1_out``. Blocks whose names share such a part are the ones
the author wrote; their names become one parameter and f-strings."""

from __future__ import annotations

import re

_SEPARATORS = "_/.-"
_PLAIN_NAME = re.compile(r"[\w./-]*")
_INTEGER = re.compile(r"\d+")

# Per position (None for an op), the text before and after the varying part; whether that part
# is a number; its value in each block, as code.
Pattern = tuple[list[tuple[str, str] | None], bool, tuple[str, ...]]


def name_pattern(rows: list[list[str | None]]) -> Pattern | None:
    """Per position, the text around the part of the layer names that differs between blocks
    (``rows``: each block's names, None for an op); whether that part is a number; and its value
    in each block. None unless every named layer of a block shares that part."""
    frames: list[tuple[str, str] | None] = []
    middle: list[str] | None = None
    for position in range(len(rows[0])):
        names = [row[position] for row in rows]
        if names[0] is None:
            frames.append(None)
            continue
        if not all(n is not None and _PLAIN_NAME.fullmatch(n) for n in names):
            return None
        known = [n for n in names if n is not None]
        before, after = _frame(known)
        parts = [n[len(before) : len(n) - len(after)] for n in known]
        if middle is None:
            middle = parts
        elif parts != middle:
            return None
        frames.append((before, after))
    if middle is None or len(set(middle)) != len(middle):
        return None
    numeric = all(_INTEGER.fullmatch(m) and str(int(m)) == m for m in middle)
    return frames, numeric, tuple(m if numeric else f'"{m}"' for m in middle)


def _frame(names: list[str]) -> tuple[str, str]:
    """The common start and end of ``names``, cut back to separators."""
    shortest = min(len(n) for n in names)
    start = 0
    while start < shortest and len({n[start] for n in names}) == 1:
        start += 1
    end = 0
    while end < shortest - start and len({n[len(n) - 1 - end] for n in names}) == 1:
        end += 1
    before = names[0][:start]
    # Keras's automatic names: ``conv2d``, then ``conv2d_5``; the varying part is ``_5``.
    suffixed = start == shortest and all(len(n) == start or n[start] in _SEPARATORS for n in names)
    while before and before[-1] not in _SEPARATORS and not suffixed:
        before = before[:-1]
    after = names[0][len(names[0]) - end :] if end else ""
    while after and after[0] not in _SEPARATORS:
        after = after[1:]
    return before, after


_AUTO = re.compile(r'"([a-z][a-z0-9_]*?)(?:_(\d+))?"')

# Keras's automatic names of one column written from one parameter: the parameter's key, its
# value in each block, the text before it in the name, and the number added to it.
Numbered = tuple[str, tuple[str, ...], str, int]


def numbered_names(columns: list[tuple[str, ...]]) -> dict[tuple[str, ...], Numbered]:
    """Columns (a name as code, per block) of Keras's automatic names that share a parameter:
    names of one class whose numbers keep their distance in every block share the first number
    (``f"activation_{activation_id + 2}"``); names numbered alike in every block, the first
    unnumbered, share what Keras added (``f"cropping2d{suffix}"``). Only for two columns or
    more: a single column is better a parameter of its own."""
    parsed: dict[tuple[str, ...], tuple[str, tuple[int, ...]]] = {}
    for column in dict.fromkeys(columns):
        matches = [_AUTO.fullmatch(text) for text in column]
        bases = {m.group(1) for m in matches if m}
        if len(set(column)) > 1 and len(bases) == 1 and all(matches):
            parsed[column] = (bases.pop(), tuple(int(m.group(2) or 0) for m in matches if m))
    found: dict[tuple[str, ...], Numbered] = {}
    suffixed: dict[tuple[int, ...], list[tuple[str, ...]]] = {}
    counted: dict[str, list[list[tuple[tuple[str, ...], tuple[int, ...]]]]] = {}
    for column, (base, numbers) in sorted(parsed.items(), key=lambda item: item[1][1][0]):
        if 0 in numbers:
            suffixed.setdefault(numbers, []).append(column)
            continue
        families = counted.setdefault(base, [])
        family = next((f for f in families if _apart(f[0][1], numbers)), None)
        if family is None:
            families.append([(column, numbers)])
        else:
            family.append((column, numbers))
    for numbers, same in suffixed.items():
        values = tuple(f'"_{n}"' if n else '""' for n in numbers)
        for column in same if len(same) > 1 else ():
            found[column] = ("suffix", values, parsed[column][0], 0)
    for base, families in counted.items():
        for family in (f for f in families if len(f) > 1):
            first = family[0][1]
            for column, numbers in family:
                found[column] = (
                    f"{base}_id",
                    tuple(map(str, first)),
                    f"{base}_",
                    numbers[0] - first[0],
                )
    return found


def _apart(first: tuple[int, ...], numbers: tuple[int, ...]) -> bool:
    """Whether ``numbers`` are ``first`` plus one distance, in every block."""
    return len({n - f for f, n in zip(first, numbers, strict=True)}) == 1
