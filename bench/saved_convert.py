"""Writing a saved model as code, statically, against ``python -c "import keras"``.

Saves ResNet50 (``weights=None``) as ``.keras`` once, then times ``kcg convert resnet50.keras
--to functional --no-verify`` and its peer alternately, as fresh processes, best of N each, in
the same session so the machine's speed cancels out in the ratio.

    python bench/saved_convert.py [--runs N] [--builder ResNet50]

The static path must be faster than importing Keras (ratio below 1). Exits 0 when it is, 1 when
not, 2 when a command fails.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from commands import kcg_command, seconds  # bench/, on sys.path when a script here runs

SAVE = (
    "import sys, keras; getattr(keras.applications, sys.argv[1])("
    "weights=None, input_shape=(224, 224, 3), classes=10).save(sys.argv[2])"
)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per command; the best counts")
    parser.add_argument("--builder", default="ResNet50", help="a keras.applications builder")
    options = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        saved = str(Path(folder) / f"{options.builder.lower()}.keras")
        try:
            subprocess.run(
                [sys.executable, "-c", SAVE, options.builder, saved],
                check=True,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            convert = [*kcg_command(), "convert", saved, "--to", "functional", "--no-verify"]
            peer = [sys.executable, "-c", "import keras"]
            times = {"kcg": [], "keras": []}
            for _ in range(options.runs):
                times["kcg"].append(seconds(convert))
                times["keras"].append(seconds(peer))
        except subprocess.CalledProcessError as error:
            print(f"failed: {' '.join(map(str, error.cmd))}", file=sys.stderr)
            return 2
    kcg, keras = min(times["kcg"]), min(times["keras"])
    print(f"kcg convert {options.builder}.keras --to functional --no-verify: {kcg:.2f} s")
    print(f'python -c "import keras": {keras:.2f} s')
    print(f"ratio: {kcg / keras:.2f} (target: below 1)")
    return 0 if kcg < keras else 1


if __name__ == "__main__":
    sys.exit(main())
