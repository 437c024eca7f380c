"""How kcg's static commands scale with model size, measured against ``import keras``.

Generates chain, residual, branching (inception-like) and Sequential models of each size, written
at module level and inside a builder function, then times ``convert --no-verify`` to each style,
``analyze``, ``graph`` and ``lint`` on each, as fresh processes, beside ``python -c "import keras"``
in the same run. Prints seconds per 1,000 layers, the growth factor from the smallest size to the
largest (10 means linear for 1,000 -> 10,000), and the peak memory of each command.

    python bench/scale.py [--sizes 1000,3000,10000] [--shapes chain,residual,...] [--out DIR]

Targets (issue 15): at the largest size, Sequential -> Functional faster than ``import keras``
(each the best of three runs, as both vary by a second on a busy machine); growth at most 12 for
every command; peak memory under 1 GB. Exits 0 when all are met, else 1.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from commands import kcg_command  # bench/, on sys.path when a script here runs

HEADER = "import keras\nfrom keras import layers\n\n"
GROWTH_TARGET = 12.0
MEMORY_TARGET_MB = 1024.0
HEADLINE_RUNS = 3


def _chain(n: int) -> list[str]:
    return ["x = inputs", *["x = layers.Dense(8)(x)"] * n, "outputs = x"]


def _residual(n: int) -> list[str]:
    block = ["y = layers.Dense(8)(x)", "x = layers.Add()([x, y])"]
    return ["x = inputs", *(block * (n // 2)), "outputs = x"]


def _branching(n: int) -> list[str]:
    block = [
        "a = layers.Dense(4)(x)",
        "b = layers.Dense(4)(x)",
        "c = layers.Dense(4)(x)",
        "x = layers.Concatenate()([a, b, c])",
    ]
    return ["x = inputs", *block * (n // 4), "outputs = x"]


def _functional(lines: Callable[[int], list[str]]) -> Callable[[int, bool], str]:
    def write(n: int, builder: bool) -> str:
        body = [
            "inputs = keras.Input(shape=(12,))",
            *lines(n),
            "return keras.Model(inputs, outputs)",
        ]
        if builder:
            return (
                HEADER
                + "def build():\n"
                + "".join(f"    {line}\n" for line in body)
                + ("\n\nmodel = build()\n")
            )
        body[-1] = "model = keras.Model(inputs, outputs)"
        return HEADER + "".join(f"{line}\n" for line in body)

    return write


def _sequential(n: int, builder: bool) -> str:
    entries = "".join(f"{'    ' * (2 if builder else 1)}layers.Dense(8),\n" for _ in range(n))
    if builder:
        return HEADER + (
            "def build():\n    return keras.Sequential(\n        [\n"
            f"            keras.Input(shape=(12,)),\n{entries.replace('        ', '            ')}"
            "        ]\n    )\n\n\nmodel = build()\n"
        )
    return HEADER + f"model = keras.Sequential([\n    keras.Input(shape=(12,)),\n{entries}])\n"


SHAPES: dict[str, Callable[[int, bool], str]] = {
    "chain": _functional(_chain),
    "residual": _functional(_residual),
    "branching": _functional(_branching),
    "sequential": _sequential,
}
COMMANDS = {
    "convert->functional": ["convert", "{path}", "--to", "functional", "--no-verify"],
    "convert->sequential": ["convert", "{path}", "--to", "sequential", "--no-verify"],
    "convert->subclassing": ["convert", "{path}", "--to", "subclassing", "--no-verify"],
    "analyze": ["analyze", "{path}"],
    "graph": ["graph", "{path}"],
    "lint": ["lint", "{path}", "--exit-zero"],
}


def run(command: Sequence[str]) -> tuple[float, float, int]:
    """Wall seconds, peak memory in MB and exit code of one fresh process."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return time.perf_counter() - start, usage.ru_maxrss / 1024, process.returncode


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,3000,10000", help="layer counts, comma-separated")
    parser.add_argument("--shapes", default=",".join(SHAPES), help="model shapes, comma-separated")
    parser.add_argument("--out", help="keep the generated models in this folder")
    args = parser.parse_args(argv)
    sizes = sorted(int(size) for size in args.sizes.split(","))
    shapes = args.shapes.split(",")
    folder = Path(args.out or tempfile.mkdtemp(prefix="kcg-scale-"))
    folder.mkdir(parents=True, exist_ok=True)

    keras_time = min(run([sys.executable, "-c", "import keras"])[0] for _ in range(HEADLINE_RUNS))
    print(f'python -c "import keras": {keras_time:.2f} s (best of {HEADLINE_RUNS})\n')
    print(
        f"{'model':28} {'command':22} "
        + " ".join(f"{n:>8}" for n in sizes)
        + "   s/1k  growth  peak MB"
    )
    met = True
    for shape in shapes:
        for builder in (False, True):
            name = f"{shape}{' (builder)' if builder else ''}"
            paths = {}
            for n in sizes:
                paths[n] = folder / f"{shape}{'_builder' if builder else ''}_{n}.py"
                paths[n].write_text(SHAPES[shape](n, builder), encoding="utf-8")
            for label, template in COMMANDS.items():
                times, peaks, codes = [], [], []
                for n in sizes:
                    command = [*kcg_command(), *(a.format(path=paths[n]) for a in template)]
                    seconds, peak, code = run(command)
                    times.append(seconds)
                    peaks.append(peak)
                    codes.append(code)
                growth = times[-1] / times[0]
                per_1k = times[-1] / sizes[-1] * 1000
                flags = "".join(f" exit {c}" for c in codes if c > 1)
                cells = " ".join(f"{t:8.2f}" for t in times)
                print(
                    f"{name:28} {label:22} {cells} {per_1k:6.2f} {growth:7.1f} {max(peaks):8.0f}{flags}"
                )
                linear = len(sizes) < 2 or growth <= GROWTH_TARGET * sizes[-1] / sizes[0] / 10
                met = met and linear and max(peaks) < MEMORY_TARGET_MB and not flags
                if shape == "sequential" and not builder and label == "convert->functional":
                    largest = [*kcg_command(), *(a.format(path=paths[sizes[-1]]) for a in template)]
                    best = min([times[-1], *(run(largest)[0] for _ in range(HEADLINE_RUNS - 1))])
                    faster = best < keras_time
                    met = met and faster
                    print(
                        f"{'':28} {'':22} largest Sequential -> Functional "
                        f"{best:.2f} s vs import keras {keras_time:.2f} s (best of "
                        f"{HEADLINE_RUNS}): {'met' if faster else 'NOT met'}"
                    )
    print(f"\ntargets {'met' if met else 'NOT met'}; models in {folder}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
