"""Helpers that built a converted model and that nothing calls after the conversion go with it;
any other function stays, and so does a helper something still calls or ``__all__`` names."""

from __future__ import annotations

from click.testing import CliRunner
from preservation import assert_preserved

from kcodegen.cli import main
from kcodegen.convert import convert

SOURCE = """\
import keras
from keras import layers


def dense_relu(x, units):
    x = layers.Dense(units)(x)
    return layers.ReLU()(x)


def head(x):
    return dense_relu(x, 2)


def unrelated():
    return 42


inputs = keras.Input((4,))
model = keras.Model(inputs, head(dense_relu(inputs, 8)))
"""


def test_helpers_nothing_calls_any_more_are_removed_and_the_rest_stays() -> None:
    conversion = convert(SOURCE, "subclassing")

    assert conversion.converted == ("model",), conversion.refusals
    assert conversion.removed_helpers == ("dense_relu", "head")
    assert "def dense_relu(" not in conversion.output and "def head(" not in conversion.output
    assert "def unrelated():\n    return 42\n" in conversion.output
    assert_preserved(conversion)


def test_a_helper_still_called_stays_and_keeps_the_helpers_it_calls() -> None:
    conversion = convert(SOURCE + "print(head)\n", "subclassing")

    assert conversion.removed_helpers == ()
    assert "def dense_relu(" in conversion.output and "def head(" in conversion.output


def test_a_helper_the_module_exports_stays() -> None:
    conversion = convert(
        SOURCE.replace("import keras\n", '__all__ = ["head"]\n\nimport keras\n'), "sequential"
    )

    assert conversion.converted, conversion.refusals
    assert conversion.removed_helpers == ()


def test_the_command_says_what_it_removed(tmp_path) -> None:
    path = tmp_path / "model.py"
    path.write_text(SOURCE)

    result = CliRunner().invoke(main, ["convert", str(path), "--to", "subclassing", "--no-verify"])

    assert result.exit_code == 0, result.output
    assert (
        f"{path}:5: note: removed `dense_relu`: it built the model, and nothing calls it now"
        in result.output
    )
    assert "def dense_relu(" not in result.stdout
