"""A running block's variables, and the signals that unwind blocks (``return``, ``break``, ``continue``)."""

from __future__ import annotations

from kcodegen.frontend.values import Value


class Return(Exception):
    """A ``return`` unwinding to the call that runs the function."""

    def __init__(self, value: Value) -> None:
        self.value = value


class Break(Exception):
    """A ``break`` unwinding to its loop."""


class Continue(Exception):
    """A ``continue`` unwinding to its loop's next pass."""


class Frame:
    """Variables of one running block. ``block`` names the block for splicing (see ModelRecord)."""

    def __init__(self, block: str, parent: Frame | None) -> None:
        self.vars: dict[str, Value] = {}
        self.parent = parent
        self.block = block
        self.statement = 0
        self.comments: tuple[str, ...] = ()
        self.trailing: str | None = None
        self.commented = False
        self.new_layers: list[str] = []  # layers created by the current statement
        # Names bound by unrolled loops: generated code has no loop, so they are written as values.
        self.loop_vars: set[str] = set()
        # A function's arguments as the call gave them (its parameters before its body runs).
        self.entry: dict[str, Value] = {}
        # Its parameters the body assigned so far: a parameter no assignment ran for holds what
        # the call passed (``if name is None: name = ...`` where the call gave a name).
        self.rebound: set[str] = set()

    @property
    def is_module(self) -> bool:
        return self.parent is None
