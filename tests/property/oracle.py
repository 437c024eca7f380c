"""Client of ``oracle_worker``: one long-lived process that runs the emitter's modules side by side."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from .emit import Emitted, input_name
from .graphs import Graph

WORKER = Path(__file__).with_name("oracle_worker.py")


class Oracle:
    def __init__(self) -> None:
        env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": ""}
        self.process = subprocess.Popen(
            [sys.executable, str(WORKER)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env=env,
        )

    def max_difference(self, graph: Graph, sources: list[Emitted], dict_inputs: bool) -> float:
        """The largest output difference among ``sources`` (weights copied by layer name)."""
        request = {
            "sources": [e.source for e in sources],
            "inputs": [
                {"shape": list(spec.shape), "dtype": spec.dtype, "maxval": graph.embedding_dim}
                for spec in graph.inputs
            ],
            "keys": [input_name(graph, i) for i in range(len(graph.inputs))] if dict_inputs else [],
        }
        assert self.process.stdin and self.process.stdout
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"the oracle worker died (exit code {self.process.wait()})")
        result: dict[str, Any] = json.loads(line)
        if result["error"]:
            raise AssertionError(f"the emitted styles do not run alike:\n{result['error']}")
        return float(result["max_abs"])

    def close(self) -> None:
        if self.process.stdin:
            self.process.stdin.close()
        self.process.wait(timeout=30)
