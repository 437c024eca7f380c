"""What the benchmarks run: the ``kcg`` of this interpreter's environment."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path


def kcg_command() -> list[str]:
    """The installed ``kcg`` script of this interpreter, else the one on PATH, else ``-m kcodegen``."""
    beside = Path(sys.executable).with_name("kcg")
    script = str(beside) if beside.exists() else shutil.which("kcg")
    return [script] if script else [sys.executable, "-m", "kcodegen"]


def seconds(command: Sequence[str]) -> float:
    """Wall time of one run of ``command``, its output discarded; a failure raises."""
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start
