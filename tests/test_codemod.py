"""``kcodegen.codemod.ConvertModels``: conversions, refusals and skips, and the real libcst.tool."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import libcst as cst
import pytest
from libcst.codemod import CodemodContext, CodemodTest, SkipFile
from sample_cases import SAMPLES

from kcodegen.codemod import ConvertModels
from kcodegen.ir import Style

REPO = Path(__file__).resolve().parent.parent


class TestConvertModels(CodemodTest):
    TRANSFORM = ConvertModels

    def test_functional_to_subclassing(self) -> None:
        before = """
            import keras
            from keras import layers

            inputs = keras.Input(shape=(16,))
            x = layers.Dense(8, activation="relu")(inputs)
            outputs = layers.Dense(1, name="head")(x)
            model = keras.Model(inputs, outputs)
            model.compile(loss="mse")
        """
        after = """
            import keras
            from keras import layers

            class MyModel(keras.Model):
                def __init__(self, **kwargs):
                    super().__init__(**kwargs)
                    self.dense = layers.Dense(8, activation="relu")
                    self.head = layers.Dense(1, name="head")

                def call(self, inputs):
                    x = self.dense(inputs)
                    return self.head(x)


            model = MyModel()
            model(keras.Input(shape=(16,)))
            model.compile(loss="mse")
        """
        self.assertCodemod(before, after, to="subclassing", expected_warnings=[])

    def test_sequential_to_functional(self) -> None:
        before = """
            import keras
            from keras import layers

            model = keras.Sequential([
                keras.Input(shape=(16,)),
                layers.Dense(8, activation="relu"),
                layers.Dense(1),
            ])
            model.compile(loss="mse")
        """
        after = """
            import keras
            from keras import layers

            inputs = keras.Input(shape=(16,))
            x = layers.Dense(8, activation="relu")(inputs)
            outputs = layers.Dense(1)(x)
            model = keras.Model(inputs=inputs, outputs=outputs)
            model.compile(loss="mse")
        """
        self.assertCodemod(before, after, to="functional", expected_warnings=[])

    def test_model_option_converts_only_that_model(self) -> None:
        before = """
            import keras
            from keras import layers

            encoder = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(2)])
            decoder = keras.Sequential([keras.Input(shape=(2,)), layers.Dense(4)])
        """
        after = """
            import keras
            from keras import layers

            encoder = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(2)])
            inputs = keras.Input(shape=(2,))
            outputs = layers.Dense(4)(inputs)
            decoder = keras.Model(inputs=inputs, outputs=outputs)
        """
        self.assertCodemod(before, after, to="functional", model="decoder")

    def test_input_shape_lets_a_subclass_without_one_become_functional(self) -> None:
        before = """
            import keras
            from keras import layers

            class Net(keras.Model):
                def __init__(self):
                    super().__init__()
                    self.hidden = layers.Dense(8, activation="relu")
                    self.head = layers.Dense(1)

                def call(self, inputs):
                    return self.head(self.hidden(inputs))

            model = Net()
        """
        after = """
            import keras
            from keras import layers

            inputs = keras.Input(shape=(16,))
            x = layers.Dense(8, activation="relu")(inputs)
            outputs = layers.Dense(1)(x)
            model = keras.Model(inputs=inputs, outputs=outputs)
        """
        unknown_shape = (
            "cannot convert `model` to functional: line 13: the shape of input `inputs` is unknown;"
            " call model.build((None, ...)) in the file or pass --input-shape inputs=D1,D2,..."
        )
        self.assertCodemod(before, before, to="functional", expected_warnings=[unknown_shape])
        self.assertCodemod(before, after, to="functional", input_shape=[("inputs", (16,))])

    def test_refusal_leaves_the_file_unchanged_and_warns_each_reason(self) -> None:
        case = SAMPLES / "two_input_concat"
        source = (case / "model.py").read_text()
        reasons = (case / "expected" / "sequential.refused").read_text().splitlines()
        assert len(reasons) == 2  # a merge, and two inputs
        self.assertCodemod(
            source,
            source,
            to="sequential",
            expected_warnings=[f"cannot convert `model` to sequential: {r}" for r in reasons],
        )

    def test_a_model_already_in_the_target_style_is_left_alone(self) -> None:
        source = (SAMPLES / "mlp_784_64_32_10" / "model.py").read_text()
        self.assertCodemod(source, source, to="sequential", expected_warnings=[])

    def test_a_file_without_a_model_is_skipped(self) -> None:
        source = "import numpy as np\n\nprint(np.zeros(3))\n"
        self.assertCodemod(source, source, to="functional", expected_skip=True)
        with pytest.raises(SkipFile, match="no Keras model found"):
            _transform(source, to="functional")

    def test_an_unknown_model_name_is_skipped(self) -> None:
        source = (SAMPLES / "mlp_784_64_32_10" / "model.py").read_text()
        with pytest.raises(
            SkipFile, match=r"no model named 'decoder' \(models in this file: model\)"
        ):
            _transform(source, to="functional", model="decoder")


def _transform(source: str, to: Style, model: str | None = None) -> cst.Module:
    codemod = ConvertModels(CodemodContext(), to=to, model=model)
    return codemod.transform_module(cst.parse_module(source))


@pytest.mark.parametrize(
    ("case", "style"),
    [("fashion_mnist_functional", "subclassing"), ("fashion_mnist_sequential", "functional")],
)
def test_codemod_output_equals_the_golden_file(case: str, style: Style) -> None:
    source = (SAMPLES / case / "model.py").read_text()
    golden = (SAMPLES / case / "expected" / f"{style}.py").read_text()
    assert _transform(source, to=style).code == golden


@pytest.mark.parametrize(
    ("command", "from_repository_root"),
    [
        (["codemod.ConvertModels"], True),  # found through the repository's .libcst.codemod.yaml
        (["-x", "kcodegen.codemod.ConvertModels"], False),  # no configuration needed
    ],
    ids=["configured", "external"],
)
def test_libcst_tool_rewrites_the_file(
    tmp_path: Path, command: list[str], from_repository_root: bool
) -> None:
    target = tmp_path / "model.py"
    target.write_bytes((SAMPLES / "mlp_784_64_32_10" / "model.py").read_bytes())
    unrelated = tmp_path / "data.py"
    unrelated.write_text("rows = [1, 2, 3]\n")
    options = ["--no-format", "-j", "1", "--hide-progress", "--to", "functional"]
    completed = subprocess.run(
        [sys.executable, "-m", "libcst.tool", "codemod", *command, *options, str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        cwd=REPO if from_repository_root else tmp_path,
        env={**os.environ, "PYTHONPATH": str(REPO)},  # this working tree, whatever is installed
    )
    assert completed.returncode == 0, completed.stderr
    golden = SAMPLES / "mlp_784_64_32_10" / "expected" / "functional.py"
    assert target.read_bytes() == golden.read_bytes()
    assert unrelated.read_text() == "rows = [1, 2, 3]\n"
    assert f"Skipped codemodding {unrelated}: no Keras model found" in completed.stderr
    assert "Transformed 1 files successfully" in completed.stderr
