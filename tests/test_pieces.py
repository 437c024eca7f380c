"""Generated code kept as text comes out as libcst would write it after parsing it."""

from __future__ import annotations

import libcst as cst
import pytest

from kcodegen.codegen.pieces import Pieces, parse_statements

CODES = [
    "x = layers.Dense(8)(inputs)\nmodel = keras.Model(inputs, x)\n",
    "\n\nclass A(keras.Model):\n    def call(self, x):\n        return x\n\n\n",
    "a = f(\n    1,\n\n    2,\n)\n\nb = a  \n",
    "model = keras.Sequential([layers.Dense(1)])",  # no final newline
]
MODULES = {
    "module level": "import keras\n\nplaceholder = 1\n",
    "in a function": "import keras\n\n\ndef build():\n    placeholder = 1\n\n\nmodel = build()\n",
    "last line, no newline": "import keras\nplaceholder = 1",
    "crlf": "import keras\r\n\r\ndef build():\r\n    placeholder = 1\r\n",
}


def _written(source: str, statements: list) -> cst.Module:
    module = cst.parse_module(source)

    class Put(cst.CSTTransformer):
        def leave_SimpleStatementLine(self, original, updated):  # type: ignore[no-untyped-def]
            if module.code_for_node(original).strip() == "placeholder = 1":
                return cst.FlattenSentinel(statements)
            return updated

    return module.visit(Put())


@pytest.mark.parametrize("code", CODES)
@pytest.mark.parametrize("where", MODULES)
def test_text_pieces_are_written_as_parsed_ones(code: str, where: str) -> None:
    source = MODULES[where]
    pieces = Pieces(source)
    fast = _written(source, pieces.statements(code, set()))
    slow = _written(source, parse_statements(code))
    filled = pieces.fill(fast.code, fast.default_newline)
    assert pieces.texts(), "plain code is kept as text"
    assert filled == slow.code


def test_code_with_comments_is_parsed_and_said_comments_go() -> None:
    pieces = Pieces("")
    statements = pieces.statements("# the model\nx = 1  # one\n# the model\n", {"# the model"})
    assert not pieces.texts()
    code = cst.Module(body=statements).code
    assert code == "x = 1  # one\n"


def test_the_placeholder_is_no_text_of_the_source() -> None:
    source = "__kcg_piece_0 = 1\n"
    assert Pieces(source).prefix not in source
