"""What the benchmarks run: the ``kcg`` of this interpreter's environment."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path


def kcg_command() -> list[str]:
    """The installed ``kcg`` script of this interpreter, else the one on PATH, else ``-m kcodegen``."""
    beside = Path(sys.executable).with_name("kcg")
    script = str(beside) if beside.exists() else shutil.which("kcg")
    return [script] if script else [sys.executable, "-m", "kcodegen"]
