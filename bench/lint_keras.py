"""Speed of ``kcg lint`` on Keras' own source, side by side with ruff and fixit in the same run.

The installed ``keras`` package is located without importing it, and its real source (``keras/src``,
some 770 files and 300k lines) is copied to a temporary folder, so that the three linters read the
same files and none of them skips the tree for being under ``site-packages`` or picks up a
configuration. Each runs as a fresh process; the best of ``--runs`` wall times counts (fixit, being
slow, runs once).

    python bench/lint_keras.py [--runs N] [--limit N] [--fixit PATH]

- ruff: ``ruff check --select E,F --no-cache --isolated`` (its default rules, no configuration).
- fixit: ``fixit lint`` with its default rules. It is not a kcodegen dependency and, at 2.2, pins an
  older click; install it into a separate environment and pass ``--fixit`` (see ``--help``).
- ``--limit N`` lints the first N files (sorted) with all three, for a quicker comparison.

Targets: kcg at least 20x faster than fixit, and within 20x of ruff. Exits 0 when the targets of
the peers that ran are met, 1 when one is not, 2 when a linter fails.
"""

from __future__ import annotations

import argparse
import importlib.util
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

FASTER_THAN_FIXIT = 20.0
WITHIN_RUFF = 20.0
FIXIT_HINT = (
    "fixit is not installed; to compare with it: python -m venv /tmp/fixit-venv && "
    "/tmp/fixit-venv/bin/pip install fixit, then pass --fixit /tmp/fixit-venv/bin/fixit"
)


@dataclass(frozen=True)
class Timing:
    name: str
    command: list[str]
    seconds: float


def keras_source() -> Path:
    """``keras/src`` of the installed Keras, found without importing Keras."""
    spec = importlib.util.find_spec("keras")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("keras is not installed: pip install keras")
    source = Path(next(iter(spec.submodule_search_locations))) / "src"
    if not source.is_dir():
        raise SystemExit(f"{source}: not found (Keras 3 keeps its source there)")
    return source


def copy_tree(source: Path, target: Path, limit: int | None) -> list[Path]:
    files = sorted(source.rglob("*.py"))[:limit]
    for file in files:
        copy = target / file.relative_to(source)
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(file, copy)
    return files


def beside_python(name: str) -> str | None:
    """An executable installed with this interpreter, else the one on PATH."""
    here = Path(sys.executable).with_name(name)
    return str(here) if here.exists() else shutil.which(name)


def kcg_command() -> list[str]:
    script = beside_python("kcg")
    return [script] if script else [sys.executable, "-m", "kcodegen"]


def best_time(name: str, command: list[str], runs: int, accept: Sequence[int]) -> Timing:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        times.append(time.perf_counter() - start)
        if done.returncode not in accept:
            raise RuntimeError(
                f"{name} failed (exit {done.returncode}): {' '.join(command)}\n"
                + done.stderr.decode(errors="replace")[-2000:]
            )
    return Timing(name, command, min(times))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs of kcg and ruff; the best counts")
    parser.add_argument("--limit", type=int, help="lint only the first N files (sorted)")
    parser.add_argument("--fixit", help="the fixit executable (default: on PATH)")
    args = parser.parse_args(argv)
    if args.runs < 1 or (args.limit is not None and args.limit < 1):
        parser.error("--runs and --limit must be at least 1")

    source = keras_source()
    with tempfile.TemporaryDirectory(prefix="kcg-bench-") as temporary:
        tree = Path(temporary) / "src"
        files = copy_tree(source, tree, args.limit)
        lines = sum(len(file.read_bytes().splitlines()) for file in files)
        print(f"{source}: {len(files)} files, {lines} lines (copied to {tree})")
        try:
            timings = run_all(tree, args)
        except RuntimeError as error:
            print(error, file=sys.stderr)
            return 2
    return report(timings, len(files), lines)


def run_all(tree: Path, args: argparse.Namespace) -> dict[str, Timing]:
    # kcg and fixit exit 1 when they find something, which they do on Keras; ruff gets --exit-zero.
    timings = {
        "kcg": best_time("kcg", [*kcg_command(), "lint", str(tree), "--exit-zero"], args.runs, (0,))
    }
    ruff = beside_python("ruff")
    if ruff:
        command = [
            ruff,
            "check",
            "--select",
            "E,F",
            "--no-cache",
            "--isolated",
            "--exit-zero",
            str(tree),
        ]
        timings["ruff"] = best_time("ruff", command, args.runs, (0,))
    else:
        print("ruff is not installed (pip install ruff); skipping it")
    fixit = args.fixit or shutil.which("fixit")
    if fixit:
        print("running fixit once (it takes minutes on the whole tree)...", flush=True)
        timings["fixit"] = best_time("fixit", [fixit, "lint", str(tree)], 1, (0, 1))
    else:
        print(FIXIT_HINT)
    return timings


def report(timings: dict[str, Timing], files: int, lines: int) -> int:
    for timing in timings.values():
        rate = lines / timing.seconds / 1000
        print(
            f"{timing.name:6} {timing.seconds:8.2f} s  {rate:8.1f}k lines/s   {' '.join(timing.command)}"
        )
    kcg, met = timings["kcg"].seconds, True
    if "fixit" in timings:
        ratio = timings["fixit"].seconds / kcg
        ok = ratio >= FASTER_THAN_FIXIT
        met &= ok
        print(
            f"kcg is {ratio:.1f}x faster than fixit (target >= {FASTER_THAN_FIXIT:g}x): {_verdict(ok)}"
        )
    if "ruff" in timings:
        ratio = kcg / timings["ruff"].seconds
        ok = ratio <= WITHIN_RUFF
        met &= ok
        print(f"kcg takes {ratio:.1f}x ruff's time (target <= {WITHIN_RUFF:g}x): {_verdict(ok)}")
    print(f"({files} files, {lines} lines)")
    return 0 if met else 1


def _verdict(met: bool) -> str:
    return "met" if met else "NOT met"


if __name__ == "__main__":
    sys.exit(main())
