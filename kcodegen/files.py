"""Reading and writing user files without changing what we did not mean to change.

Sources are read with their declared encoding and newlines untouched; writes go to a temporary file in
the same folder and are renamed over the target, keeping its permission bits, so a failure never
leaves a half-written file.
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
import tokenize
from dataclasses import dataclass
from pathlib import Path

from kcodegen.errors import BadInput


@dataclass(frozen=True)
class SourceFile:
    path: str  # as the user wrote it; "-" for stdin
    text: str
    encoding: str


def read_source(path: str) -> SourceFile:
    if path == "-":
        data = sys.stdin.buffer.read()
    else:
        try:
            data = Path(path).read_bytes()
        except FileNotFoundError:
            raise BadInput("no such file") from None
        except IsADirectoryError:
            raise BadInput("is a directory, not a Python file") from None
        except OSError as error:
            raise BadInput(error.strerror or str(error)) from None
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        text = data.decode(encoding)
    except (SyntaxError, UnicodeDecodeError, LookupError) as error:
        raise BadInput(f"cannot decode the file: {error}") from None
    if encoding == "utf-8-sig":
        text = text.removeprefix("\ufeff")
    return SourceFile(path, text, encoding)


def write_atomic(path: str, text: str, encoding: str = "utf-8") -> None:
    target = Path(os.path.realpath(path))  # through a symlink, rewrite the file it points to
    if not target.parent.is_dir():
        raise BadInput(f"cannot write {path}: no such folder")
    mode = target.stat().st_mode & 0o7777 if target.exists() else None
    descriptor, temporary = tempfile.mkstemp(
        dir=target.parent or ".", prefix=f".{target.name}.", suffix=".kcg"
    )
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(text.encode(encoding))
        if mode is not None:
            os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
