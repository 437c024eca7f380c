"""``ConvertModels``: kcodegen's conversion as a LibCST codemod, for ``python -m libcst.tool codemod``.

From the repository root (its ``.libcst.codemod.yaml`` lists the ``kcodegen`` package)::

    python -m libcst.tool codemod codemod.ConvertModels --no-format --to functional PATH...

and from anywhere, with no configuration, ``-x kcodegen.codemod.ConvertModels`` instead.
``--no-format`` matters: kcodegen keeps everything around a model byte for byte, which a formatter
run over the whole file would undo.
"""

from __future__ import annotations

import argparse

import click
import libcst as cst
from libcst.codemod import CodemodCommand, CodemodContext, SkipFile

from kcodegen.cli_support import parse_shape
from kcodegen.convert import convert
from kcodegen.errors import BadInput
from kcodegen.ir import STYLES, Style


class ConvertModels(CodemodCommand):
    """Rewrite every Keras model of a file (or the one ``--model`` names) in the ``--to`` style.

    Static only: the codemod never runs the models, so unlike ``kcg convert`` nothing is verified.
    A file with no Keras model (or without the ``--model`` asked for) is skipped with the reason; a
    file with a model the target style cannot express is left unchanged, one warning per reason.
    """

    DESCRIPTION = "Convert Keras models to Sequential, Functional or subclassing (not verified)."

    @staticmethod
    def add_args(arg_parser: argparse.ArgumentParser) -> None:
        arg_parser.add_argument(
            "--to", required=True, choices=STYLES, help="The Keras API to write the models in."
        )
        arg_parser.add_argument(
            "--model", default=None, help="Convert only this model (variable, name= or class)."
        )
        arg_parser.add_argument(
            "--input-shape",
            action="append",
            type=_input_shape,
            metavar="NAME=SHAPE",
            help="Input shape without batch for a subclass that gives none, e.g. inputs=28,28.",
        )

    def __init__(
        self,
        context: CodemodContext,
        to: Style,
        model: str | None = None,
        input_shape: list[tuple[str, tuple[int | None, ...]]] | None = None,
    ) -> None:
        super().__init__(context)
        self.to = to
        self.model = model
        self.input_shapes = dict(input_shape or ())

    def transform_module_impl(self, tree: cst.Module) -> cst.Module:
        try:
            result = convert(tree.code, self.to, model=self.model, input_shapes=self.input_shapes)
        except BadInput as error:
            raise SkipFile(error.message) from None
        for refusal in result.refusals:
            for reason in refusal.reasons:
                self.warn(f"cannot convert `{refusal.model}` to {self.to}: {reason}")
        if not result.changed:
            return tree
        return cst.parse_module(
            result.output, config=cst.PartialParserConfig(encoding=tree.encoding)
        )


def _input_shape(text: str) -> tuple[str, tuple[int | None, ...]]:
    """``parse_shape`` for argparse, which reports ``ArgumentTypeError`` as a usage error."""
    try:
        return parse_shape(text)
    except click.BadParameter as error:
        raise argparse.ArgumentTypeError(error.message) from None
