"""Cost of a verified conversion, measured against importing TensorFlow and building the model once.

``kcg convert`` with verification imports TensorFlow in a worker and builds both the original and
the converted model there. Its peer is the least any check of the model must pay: a fresh Python
that imports Keras and runs the statements that build the original model (the slice verification
itself runs). Both run as fresh processes, alternately, best of N runs each, in the same session,
so the machine's speed cancels out in the ratio.

    python bench/verify_overhead.py [--runs N] [--sample NAME] [--to STYLE]

Target (issue 15): at most 1.2x. Exits 0 when met, 1 when not, 2 when a command fails.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from commands import kcg_command, seconds  # bench/, on sys.path when a script here runs

ROOT = Path(__file__).resolve().parent.parent
TARGET_RATIO = 1.2


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per command; the best counts")
    parser.add_argument("--sample", default="fashion_mnist_functional", help="a folder of samples/")
    parser.add_argument("--to", default="subclassing", help="the style to convert to")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    sys.path.insert(0, str(ROOT))
    from kcodegen.verify.slice import model_slice

    sample = ROOT / "samples" / args.sample / "model.py"
    folder = Path(tempfile.mkdtemp(prefix="kcg-verify-bench-"))
    build = folder / "build_original.py"
    build.write_text(model_slice(sample.read_text(encoding="utf-8"), "model"), encoding="utf-8")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

    convert = [*kcg_command(), "convert", str(sample), "--to", args.to, "--verify"]
    convert += ["-o", str(folder / "converted.py")]
    baseline = [sys.executable, str(build)]
    times: dict[str, list[float]] = {"convert": [], "baseline": []}
    try:
        for _ in range(args.runs):
            times["baseline"].append(seconds(baseline))
            times["convert"].append(seconds(convert))
    except subprocess.CalledProcessError as error:
        print(f"failed (exit {error.returncode}): {' '.join(error.cmd)}", file=sys.stderr)
        return 2
    convert_time, baseline_time = min(times["convert"]), min(times["baseline"])
    ratio = convert_time / baseline_time
    met = ratio <= TARGET_RATIO
    print(f"best of {args.runs} runs each, {args.sample} to {args.to}")
    print(f"kcg convert (verified)              {convert_time:7.2f} s")
    print(f"import TensorFlow, build the model  {baseline_time:7.2f} s   ({build})")
    print(f"ratio {ratio:.2f}, target <= {TARGET_RATIO}: {'met' if met else 'NOT met'}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
