"""numpy functions builders compute constants with (``np.linspace(0.0, drop_path_rate, 18)`` for
ConvNeXt's per-block drop rates), worked out in plain Python as numpy would, so that following
a builder never imports numpy. Arrays become lists of Python numbers."""

from __future__ import annotations

from collections.abc import Callable


def linspace(start: float, stop: float, num: int = 50, endpoint: bool = True) -> list[float]:
    """``numpy.linspace`` of scalars, with numpy's float64 arithmetic step for step."""
    if num < 0:
        raise ValueError("number of samples must be non-negative")
    div = num - 1 if endpoint else num
    delta = stop - start
    if div <= 0:
        return [float(start)] * num
    step = delta / div
    if step == 0:  # numpy divides first, then scales, to keep tiny ranges exact
        values = [i / div * delta + start for i in range(num)]
    else:
        values = [i * step + start for i in range(num)]
    if endpoint and num > 1:
        values[-1] = float(stop)
    return [float(v) for v in values]


FUNCTIONS: dict[str, Callable[..., list[float]]] = {"numpy.linspace": linspace}
