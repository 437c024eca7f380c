"""Positions computed one top-level statement at a time are libcst's, node for node."""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, PositionProvider

from kcodegen.frontend.ast_positions import SourceText, pair_statement
from kcodegen.frontend.positions import LazyPositions
from kcodegen.frontend.python_ast import same_statements

ROOT = Path(__file__).parents[1]
# Whitespace nodes can be shared between places in a tree; nothing asks for their positions.
WHITESPACE = (
    cst.SimpleWhitespace,
    cst.ParenthesizedWhitespace,
    cst.Newline,
    cst.EmptyLine,
    cst.TrailingWhitespace,
    cst.Comment,
)

TRICKY = (
    "#!/usr/bin/env python\n"
    "'''Module docstring\n"
    "over lines.'''\n"
    "import keras; import numpy as np\n"
    "\n"
    "# a comment\n"
    "@decorator\n"
    "# between decorators\n"
    "@other(\n"
    "    1)\n"
    "def f(a,\n"
    "      b=2):\n"
    "    return a + \\\n"
    "        b\n"
    "\f\n"
    "class C(keras.layers.Layer):\n"
    '    """Doc."""\n'
    "    async def g(self):\n"
    "        text = '''\n"
    "  inside a string\n"
    "'''\n"
    "        return text\n"
    "x = [\n"
    "    f(1),  # trailing\n"
    "]; y = x[0]\n"
    "match y:\n"
    "    case 1:\n"
    "        pass\n"
)


def assert_same_positions(source: str) -> None:
    module = cst.parse_module(source)
    expected = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    lazy = LazyPositions(module, source)
    for node, where in expected.items():
        if node is not module and not isinstance(node, WHITESPACE):
            assert lazy[node] == where, (type(node).__name__, module.code_for_node(node))


@pytest.mark.parametrize(
    "source",
    [TRICKY, TRICKY.replace("\n", "\r\n"), "x = 1", "", "# only a comment\n"],
    ids=["tricky", "crlf", "no-final-newline", "empty", "comment"],
)
def test_lazy_positions_are_libcst_positions(source: str) -> None:
    assert_same_positions(source)


def test_on_the_samples_and_the_tests_own_sources() -> None:
    for path in [*ROOT.glob("samples/*/*.py"), *ROOT.glob("tests/*.py")]:
        assert_same_positions(path.read_text(encoding="utf-8"))


def assert_same_text(source: str) -> None:
    """Text from the generated tokens is code_for_node's, or not given."""
    module = cst.parse_module(source)
    lazy = LazyPositions(module, source)
    given = 0
    for index, statement in enumerate(module.body):
        lazy.near = index
        for node in _nodes(statement):
            text = lazy.text(node)
            if text is not None:
                given += 1
                assert text == module.code_for_node(node), type(node).__name__
    assert given or not module.body


def _nodes(root: cst.CSTNode) -> list[cst.CSTNode]:
    found, stack = [], [root]
    while stack:
        node = stack.pop()
        found.append(node)
        stack.extend(node.children)
    return found


# Continuation lines inside a block: libcst takes the block's indentation off those that start
# with it, and keeps the rest (less indented, blank, in a string, after a backslash) as written.
IN_BLOCKS = (
    "def build(units):\n"
    "    layers = [\n"
    "        Dense(units),\n"
    "\n"
    "        # a comment line\n"
    "  Dense(1),  # less indented than the block\n"
    "            Dense(2)]\n"
    "    text = f('''\n"
    "    {units}\n"
    "  ''') + g(1,\n"
    "             2)\n"
    "    total = (1 +\n"
    "        2 + \\\n"
    "        3)\n"
    "    if units:\n"
    "        pass\n"
    "    class Inner:\n"
    "        def call(self):\n"
    "            return self.f(\n"
    "                [\n"
    "                    1,\n"
    "                ],\n"
    "            )\n"
    "    for i in range(\n"
    "        3): print(i,\n"
    "    4)\n"
)
TABS = "def f():\n\treturn g(\n\t\t1,\n\t)\n"
# A form feed resets the indentation count: libcst writes the block's own indentation there.
FORM_FEEDS = (
    "def g():\n    y = 0\n    \f    x = f(1,\n        2)\n    return x\n"
    "def h():\n    x = f(1,\n  \f      2)\n    return x\n"
)


@pytest.mark.parametrize(
    "source",
    [TRICKY, TRICKY.replace("\n", "\r\n"), "x = f(a, b=2)", IN_BLOCKS, TABS, FORM_FEEDS],
)
def test_node_text_from_tokens_is_code_for_node(source: str) -> None:
    assert_same_text(source)


def test_node_text_on_the_samples() -> None:
    for path in ROOT.glob("samples/*/*.py"):
        assert_same_text(path.read_text(encoding="utf-8"))


def test_names_from_tokens_are_the_name_nodes_of_an_expression() -> None:
    given = 0
    for path in [*ROOT.glob("samples/*/*.py")]:
        source = path.read_text(encoding="utf-8")
        module = cst.parse_module(source)
        lazy = LazyPositions(module, source)
        for index, statement in enumerate(module.body):
            lazy.near = index
            for node in _nodes(statement):
                if isinstance(node, cst.BaseExpression):
                    names = {n.value for n in _nodes(node) if isinstance(n, cst.Name)}
                    found = lazy.names(node)
                    assert found is None or found == names, module.code_for_node(node)
                    given += found is not None
    assert given > 1000


def test_nodes_are_found_from_any_statement_first() -> None:
    source = "a = 1\ndef f():\n    return 2\nb = f()\n"
    module = cst.parse_module(source)
    lazy = LazyPositions(module, source)
    lazy.near = 3
    returned = module.body[1].body.body[0]  # type: ignore[attr-defined]
    assert lazy[returned].start.line == 3
    assert lazy[module.body[0]].start.line == 1


def test_what_the_standard_parser_rejects_falls_back_to_the_whole_module() -> None:
    source = "x = 1\ntype Vector = list[float]\n"  # Python 3.12: libcst reads it, 3.11's ast not
    module = cst.parse_module(source)
    expected = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    lazy = LazyPositions(module, source)
    assert lazy[module.body[1]] == expected[module.body[1]]


def test_a_node_of_another_module_is_not_found() -> None:
    lazy = LazyPositions(cst.parse_module("x = 1\n"), "x = 1\n")
    with pytest.raises(KeyError):
        lazy[cst.parse_module("y = 2\n").body[0]]


def _keras_sources(folder: str) -> list[Path]:
    spec = importlib.util.find_spec("keras")  # found, not imported
    assert spec is not None and spec.origin is not None
    return sorted((Path(spec.origin).parent / "src" / folder).glob("*.py"))


@pytest.mark.parametrize("folder", ["applications", "layers/convolutional"])
def test_expressions_paired_with_the_stdlib_ast_have_libcst_positions_text_and_names(folder):
    """Real code no one here wrote: each expression paired with its ``ast`` node has the position
    libcst's provider gives, ``code_for_node``'s text (where given) and its ``Name`` nodes."""
    paired = lines_in_a_block = 0
    for path in _keras_sources(folder):
        source = path.read_text(encoding="utf-8")
        module = cst.parse_module(source)
        expected = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
        text = SourceText(source)
        groups = same_statements(module.body, ast.parse(source).body)
        assert groups is not None
        for statement, group in zip(module.body, groups, strict=True):
            for node, tree, block_line in pair_statement(statement, group):
                where = f"{path.name}: {module.code_for_node(node)[:60]!r}"
                assert text.range(node, tree) in (None, expected[node]), where
                written = text.text(node, tree, block_line)
                assert written in (None, module.code_for_node(node)), where
                assert text.names(tree) == {
                    n.value for n in _nodes(node) if isinstance(n, cst.Name)
                }
                paired += 1
                lines_in_a_block += bool(written and block_line and "\n" in written)
    assert paired > 5000
    assert lines_in_a_block > 50  # multi-line calls in builder functions are read from the source


def test_a_tuple_in_parentheses_and_text_that_is_not_ascii() -> None:
    source = 'x = ( 1, "é" )\ny = ("ü" + z)\nw = f(\n    (a),\n)\n'
    assert_same_positions(source)
    assert_same_text(source)


@pytest.mark.parametrize(
    "expression",
    [
        "1.0.real + x",
        "1e5 * y",
        "0x1F + z",
        ".5j - w",
        "1_000 + v",
        "1e-5+u",
        "a1.b2[3].c",
        "f(1.)",
    ],
)
def test_the_names_of_an_expression_read_from_its_words_skip_numbers(expression: str) -> None:
    source = f"r = {expression}\n"
    tree = ast.parse(source).body[0].value  # type: ignore[attr-defined]
    names = {n.value for n in _nodes(cst.parse_expression(expression)) if isinstance(n, cst.Name)}
    assert SourceText(source).names(tree) == names


@pytest.mark.parametrize("folder", ["applications", "layers/core"])
def test_a_top_level_statement_text_is_its_source_lines(folder: str) -> None:
    """Real code: a top-level statement is the source from its leading lines to the next one's."""
    given = 0
    for path in _keras_sources(folder):
        source = path.read_text(encoding="utf-8")
        module = cst.parse_module(source)
        lazy = LazyPositions(module, source)
        for statement in module.body:
            text = lazy.text(statement)
            assert text in (None, module.code_for_node(statement)), path.name
            given += text is not None
    assert given > 100
