"""SVG and PNG through Graphviz's ``dot`` program, which kcodegen does not ship."""

from __future__ import annotations

import shutil
import subprocess

from kcodegen.errors import BadInput

INSTALL_HINT = (
    "install Graphviz (apt install graphviz, brew install graphviz or conda install graphviz), "
    "or use --format mermaid or --format dot"
)


def dot_program(image_format: str) -> str:
    """Where Graphviz's ``dot`` is; BadInput saying how to install it when it is not."""
    program = shutil.which("dot")
    if program is None:
        raise BadInput(f"--format {image_format} needs the Graphviz `dot` program: {INSTALL_HINT}")
    return program


def run_dot(dot_source: str, image_format: str, timeout: float = 60.0) -> bytes:
    """The image ``dot -T<image_format>`` draws; BadInput when dot is missing, fails or hangs."""
    program = dot_program(image_format)
    try:
        done = subprocess.run(
            [program, f"-T{image_format}"],
            input=dot_source.encode("utf-8"),
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise BadInput(f"Graphviz `dot` took more than {timeout:g} s; try --format dot") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        detail = message[-1] if message else f"exit code {done.returncode}"
        raise BadInput(f"Graphviz `dot` failed: {detail}")
    return done.stdout
