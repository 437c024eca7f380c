"""Abstract interpretation of a module's CST: statements run over abstract values, never real ones.

Layers, tensors and models become IR objects; numbers and strings are folded when that is safe (only
pure builtins such as ``range`` and ``len`` are ever evaluated); everything else stays as source text.
Helper functions are inlined where they are called, subclass ``__init__``/``call`` are interpreted
with abstract inputs, ``for`` loops over constants are unrolled and ``if`` on constants takes its
branch. Control flow that depends on run-time values is never guessed: the names it binds become
``Unknown`` and a model that needs them is refused with the line.

As astroid keeps its inference core apart from the ``brain/`` plugins that know one library each,
the Python core here knows only Python, and what Keras means lives in ``brain/``:

- ``state``: frames, shared state, source text and positions, and the contract between the parts;
- ``statements``, ``expressions``, ``calls``: Python;
- ``substitute``: writing an inlined function's names as the values they were bound to;
- ``brain/keras_layers``, ``keras_ops``, ``keras_models``, ``keras_subclass``: Keras.
"""

from __future__ import annotations

from kcodegen.frontend.errors import Unsupported
from kcodegen.frontend.interpreter.brain.keras_layers import KerasLayers
from kcodegen.frontend.interpreter.brain.keras_models import KerasModels
from kcodegen.frontend.interpreter.brain.keras_ops import KerasOps
from kcodegen.frontend.interpreter.brain.keras_subclass import KerasSubclasses
from kcodegen.frontend.interpreter.calls import Calls
from kcodegen.frontend.interpreter.expressions import Expressions
from kcodegen.frontend.interpreter.frame import Frame, Return
from kcodegen.frontend.interpreter.statements import Statements
from kcodegen.frontend.values import ClassVal, FunctionVal, Opaque, Value

__all__ = ["Frame", "Interpreter"]


class Interpreter(
    Statements, Expressions, Calls, KerasLayers, KerasOps, KerasModels, KerasSubclasses
):
    """Runs a module, then every function and model class the module did not use itself."""

    def run(self) -> None:
        self.exec_block(self.module.body, self.module_frame)
        ran = len(self.records)
        # Functions never called at module level may still build a model (``def build_model():``).
        for name, value in list(self.module_frame.vars.items()):
            if isinstance(value, FunctionVal) and name not in self.called_functions:
                self.explore_function(value)
        for cls in self.classes.values():
            instantiated = any(
                r.class_val is not None and r.class_val.node is cls.node for r in self.records
            )
            if cls.kind == "model" and not instantiated:
                self.explore_class(cls)
        for record in self.records[ran:]:
            record.explored = True

    def explore_function(self, func: FunctionVal) -> None:
        params = func.node.params
        args: list[Value] = []
        for param in params.params:
            if param.default is None:
                args.append(Opaque(param.name.value))
            else:
                args.append(self.eval_in(param.default, self.module_frame))
        try:
            self.call_function(func, args, {}, explore=True)
        except Unsupported as problem:
            self.problems.append(problem)
        except Return:
            pass

    def explore_class(self, cls: ClassVal) -> None:
        try:
            self.instantiate_model(cls, [], {}, cls.node, explore=True)
        except Unsupported as problem:
            self.problems.append(problem)
