"""Outputs of the static commands: a model graph as a drawing (Mermaid, DOT, JSON, SVG/PNG through
Graphviz) and the ``kcg analyze`` report as text. Nothing here imports TensorFlow or Keras."""
