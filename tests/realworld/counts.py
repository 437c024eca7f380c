"""How many layer constructor calls a script writes, and how many the classes a conversion added
write: the readability measure of the real-code table (a layer written once in the source should
appear about once in the output, not once per call of its helper)."""

from __future__ import annotations

import ast
import re

_CONSTRUCTOR = re.compile(r"\blayers\.[A-Z]\w*\(")


def constructors(source: str) -> int:
    return len(_CONSTRUCTOR.findall(source))


def constructors_in_new_classes(original: str, output: str) -> int:
    before = {n.name for n in ast.parse(original).body if isinstance(n, ast.ClassDef)}
    added = [
        n for n in ast.parse(output).body if isinstance(n, ast.ClassDef) and n.name not in before
    ]
    return sum(constructors(ast.get_source_segment(output, n) or "") for n in added)
