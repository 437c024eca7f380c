"""Saved models (``.keras``, ``.h5``, ``model.to_json()``) become source code.

The path, without TensorFlow or Keras:

- ``files``: the file to its model config (``config.json`` in the zip, ``model_config`` in the h5);
- ``config_graph``: the config to a flat graph of layers, calls and operations (nested models kept);
- ``masks``: the masks Keras computed and passed along itself left out, as their author left them;
- ``arguments``: a layer's config to the constructor a person writes (only what differs from the
  defaults of the installed Keras, read into ``defaults.json`` by ``tools/keras_defaults.py``);
- ``blocks``: repeated regions of the flat graph, found with networkx (imported there and in
  ``cells`` only): units (short chains, as ``conv2d_bn``) and the blocks between cut nodes that
  call them;
- ``cells``: repeated regions that read several earlier tensors where no cut node separates them
  (NASNet's cells), from the post-dominator tree;
- ``module``: the graph and its blocks written as a Functional module.

That Functional module is the normal form: the source frontend reads it into the IR like any user
file, so the other styles come from the same conversion as source (helpers become ``Layer``
classes, a chain becomes a Sequential).
"""
