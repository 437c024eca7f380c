"""kcodegen: read Keras model code as a graph, analyze it, and rewrite it in another Keras API."""

__version__ = "0.1.0"
