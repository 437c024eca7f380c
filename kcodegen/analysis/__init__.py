"""Facts about a model graph and which Keras APIs can express it."""

from kcodegen.analysis.expressibility import Reason, reasons_against
from kcodegen.analysis.facts import Facts, facts
from kcodegen.analysis.order import functional_layer_order

__all__ = ["Facts", "Reason", "facts", "functional_layer_order", "reasons_against"]
