"""Start-up cost of a static conversion, measured against ``import keras``.

``kcg convert --no-verify`` imports neither TensorFlow nor Keras, so converting a sample should take a
small fraction of the time Python needs just to import Keras. Both commands run as fresh processes,
best of N runs each, in the same session so the machine's speed cancels out in the ratio.

    python bench/convert_startup.py [--runs N]

Exits 0 when the ratio meets the target, 1 when it does not.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from commands import kcg_command  # bench/, on sys.path when a script here runs

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "fashion_mnist_functional" / "model.py"
TARGET_RATIO = 0.15


def best_time(command: Sequence[str], runs: int) -> float:
    """The shortest wall time, in seconds, of ``runs`` runs of ``command``; it must succeed."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return min(times)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per command; the best counts")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    convert = [*kcg_command(), "convert", str(SAMPLE), "--to", "subclassing", "--no-verify"]
    import_keras = [sys.executable, "-c", "import keras"]
    try:
        convert_time = best_time(convert, args.runs)
        keras_time = best_time(import_keras, args.runs)
    except subprocess.CalledProcessError as error:
        print(f"failed (exit {error.returncode}): {' '.join(error.cmd)}", file=sys.stderr)
        return 2
    ratio = convert_time / keras_time
    met = ratio <= TARGET_RATIO

    print(f"best of {args.runs} runs each")
    print(f"kcg convert --no-verify  {convert_time:8.3f} s   ({' '.join(convert)})")
    print(f"python -c 'import keras' {keras_time:8.3f} s")
    print(f"ratio {ratio:.3f}, target <= {TARGET_RATIO}: {'met' if met else 'NOT met'}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
