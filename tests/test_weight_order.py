"""What the README promises about weight order: for every sample converted Functional ->
Subclassing without block classes, ``converted.set_weights(original.get_weights())`` fits; where
helpers became Layer classes it does not, and ``--weights`` is the way (test_weights_transfer)."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from sample_cases import SAMPLES

from kcodegen.convert import convert
from kcodegen.verify.conversion import parse_converted

pytestmark = pytest.mark.slow

# Builds each pair in one subprocess (TensorFlow imported once): the weight shapes of each, in order.
SHAPES = """
import json, sys, keras
from kcodegen.verify.slice import TARGET_NAME
for text, path in json.load(sys.stdin):
    keras.backend.clear_session()
    namespace = {"__name__": "__kcg_slice__"}
    exec(compile(text, path, "exec"), namespace)
    print(json.dumps([list(w.shape) for w in namespace[TARGET_NAME].get_weights()]))
"""


def _pairs():
    """(sample, whether block classes were written, original slice, converted slice)."""
    from kcodegen.verify.slice import model_slice

    for model in sorted(SAMPLES.glob("*/model.py")):
        source = model.read_text(encoding="utf-8")
        if (model.parent / "case.toml").read_text().count("[bind]"):
            continue  # needs data to build
        conversion = convert(source, "subclassing")
        parsed = parse_converted(
            source, conversion.output, conversion.models, {}, {}
        )  # as verify does
        converted = {g.name: g for g in parsed.models}
        blocks = re.search(r"^class \w+\((\w+\.)*Layer\):", conversion.output, re.M) is not None
        for graph in conversion.models:
            if graph.style != "functional" or graph.name not in conversion.converted:
                continue
            if graph.site.function:
                continue  # built by calling a function: the slice needs the call's arguments
            yield (
                model.parent.name,
                bool(blocks),
                model_slice(source, graph.name, {}, str(model)),
                model_slice(conversion.output, converted[graph.name].name, {}, str(model)),
            )


def test_set_weights_fits_unless_helpers_became_layer_classes():
    pairs = list(_pairs())
    request = [[text, f"{name}.py"] for name, _, *texts in pairs for text in texts]
    done = subprocess.run(
        [sys.executable, "-c", SHAPES], input=json.dumps(request), capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-3000:]
    shapes = [json.loads(line) for line in done.stdout.splitlines()]
    fits = {
        name: (blocks, shapes[2 * i] == shapes[2 * i + 1])
        for i, (name, blocks, _, _) in enumerate(pairs)
    }
    assert fits["resnet_stages"] == (True, False)  # the README's example of where it does not
    assert fits["cnn_inception_block"] == (True, False)
    assert {name for name, (blocks, fit) in fits.items() if not blocks and not fit} == set()
    assert sum(not blocks for blocks, _ in fits.values()) >= 10
