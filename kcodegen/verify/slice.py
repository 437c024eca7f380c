"""Cut a module down to the statements that build one model.

Verification executes user code, so it runs only what constructs the model: imports, constants,
helpers, classes and the construction itself, never data loading, training or plotting. Every kept
statement stays on its original line, so a traceback raised while running the slice (compiled with
the user's file name) points at the user's file and line.

This module is static: it must never import TensorFlow, Keras or NumPy.
"""

from __future__ import annotations

import ast
import builtins
import re
import warnings
from bisect import bisect_left
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import libcst as cst
from libcst.metadata import (
    Access,
    Assignment,
    CodePosition,
    CodeRange,
    FunctionScope,
    GlobalScope,
    MetadataWrapper,
    ParentNodeProvider,
    PositionProvider,
    Scope,
    ScopeProvider,
)

from kcodegen.verify.statement_kinds import (
    calls,
    is_config,
    last_name,
    mutates,
    never_kept,
    reads_data,
)

TARGET_NAME = "__kcg_model__"

# Reading only these from a dataset yields a small value (a size, a class count) a user can bind.
_SUMMARY_ATTRS = frozenset({"shape", "ndim", "size", "dtype", "columns"})
_SUMMARY_CALLS = frozenset(
    {"len", "max", "min", "amax", "amin", "nanmax", "nanmin", "unique", "nunique", "argmax"}
)
_PURE_CALLS = frozenset({"int", "float", "round", "abs", "tuple", "list", "sorted", "set", "sum"})
_WEAK = (cst.If, cst.For, cst.While, cst.Try, cst.TryStar, cst.Match)
_NEWLINE = re.compile(r"\r\n|\r|\n")


class SliceError(ValueError):
    """The model cannot be cut out of its module: undefined name, syntax error or bad bind."""

    def __init__(self, message: str, path: str, line: int | None = None) -> None:
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {message}")
        self.path = path
        self.line = line


class NeedsData(SliceError):
    """Building the model needs a value computed from a dataset; the user must bind it."""

    def __init__(
        self, name: str, line: int, path: str, also: tuple[tuple[str, int], ...] = ()
    ) -> None:
        message = f"the model needs {name!r}, which is computed from data; pass --bind {name}=VALUE"
        if also:
            others = ", ".join(f"{other!r} (line {at})" for other, at in also)
            message += f"; also computed from data: {others}"
        super().__init__(message, path, line)
        self.name = name
        self.also = also


def model_slice(
    source: str, target: str, binds: Mapping[str, str] | None = None, path: str = "<string>"
) -> str:
    """Return the statements of `source` that build `target`, then `__kcg_model__ = <target>`."""
    return _Slicer(source, target, dict(binds or {}), path).render()


@dataclass(frozen=True)
class _Unit:
    """One module-level statement: a small statement of a line, or a whole compound statement."""

    node: cst.CSTNode
    start: tuple[int, int]
    end: tuple[int, int]
    compound: bool
    guard: bool  # under `if __name__ == "__main__":`, so not a module-level definition
    star: bool  # `from m import *` may bind any name
    binds: tuple[str, ...]
    immediate: frozenset[str]  # names read when the statement runs
    deferred: frozenset[str]  # names read by function bodies, when they are called

    @property
    def weak(self) -> bool:
        """A conditional or loop may not bind its names, so earlier bindings stay relevant."""
        return isinstance(self.node, _WEAK)


@dataclass
class _Walk:
    """What the dependency walk from some roots reached."""

    items: set[tuple[int, int]] = field(default_factory=set)  # (unit, position it is run at)
    deps: dict[int, dict[str, set[int]]] = field(default_factory=dict)
    defs: set[tuple[int, str]] = field(default_factory=set)  # (unit, name) some user reads
    binds: set[tuple[str, int | None, int]] = field(default_factory=set)  # (name, site, at)
    missing: set[tuple[int, str]] = field(default_factory=set)

    @property
    def needed(self) -> set[int]:
        return {unit for unit, _ in self.items}

    def merge(self, other: _Walk) -> None:
        self.items |= other.items
        for unit, names in other.deps.items():
            for name, found in names.items():
                self.deps.setdefault(unit, {}).setdefault(name, set()).update(found)
        self.defs |= other.defs
        self.binds |= other.binds
        self.missing |= other.missing


class _Slicer:
    def __init__(self, source: str, target: str, binds: dict[str, str], path: str) -> None:
        self.path = path
        try:
            cst.parse_expression(target)
        except cst.ParserSyntaxError as exc:
            raise SliceError(f"invalid model expression {target!r}", path) from exc
        self.bind_values = {name: self._bind_names(name, value) for name, value in binds.items()}
        self.bind_text = binds
        error = _syntax_error(source, path)
        if error:
            raise SliceError(f"syntax error: {error.msg}", path, error.lineno)
        sep = "" if not source or source.endswith(("\n", "\r")) else "\n"
        try:
            module = cst.parse_module(f"{source}{sep}{TARGET_NAME} = ({target})\n")
        except cst.ParserSyntaxError as exc:
            raise SliceError("syntax not supported by libcst", path, exc.raw_line) from exc
        wrapper = MetadataWrapper(module)
        self.lines = _NEWLINE.split(wrapper.module.code)
        self.parents = wrapper.resolve(ParentNodeProvider)
        self.units = _units(wrapper)
        self.target_index = len(self.units) - 1
        self.binders: dict[str, list[int]] = {}  # name -> statements binding it, in order
        for index, unit in enumerate(self.units):
            for name in () if unit.guard else unit.binds:
                self.binders.setdefault(name, []).append(index)
        self.stars = [i for i, unit in enumerate(self.units) if unit.star and not unit.guard]
        self.data_units = {
            i for i, unit in enumerate(self.units) if calls(unit.node, reads_data, run_now=True)
        }

    def _bind_names(self, name: str, value: str) -> list[str]:
        try:
            expr = cst.parse_expression(value)
        except cst.ParserSyntaxError as exc:
            raise SliceError(
                f"--bind {name}: {value!r} is not a Python expression", self.path
            ) from exc
        return [node.value for node in _names(expr)]

    # -- def-use -------------------------------------------------------------------------------

    def _resolve(self, name: str, before: int) -> list[int]:
        """The statements before `before` whose binding of `name` may be the one seen there."""
        binders = self.binders.get(name, [])
        found: list[int] = []
        for index in reversed(binders[: bisect_left(binders, before)]):
            found.append(index)
            if not self.units[index].weak:
                return found
        return found + self.stars[: bisect_left(self.stars, before)]

    def _bind_site(self, name: str, before: int) -> int | None:
        binders = self.binders.get(name, [])
        position = bisect_left(binders, before)
        return binders[position - 1] if position else None

    def _walk(self, roots: Iterable[tuple[int, int]]) -> _Walk:
        walk = _Walk()
        todo = list(roots)
        while todo:
            index, at = todo.pop()
            if (index, at) in walk.items:
                continue
            walk.items.add((index, at))
            unit = self.units[index]
            uses = [(name, index, True) for name in unit.immediate]
            uses += [(name, at, False) for name in unit.deferred]
            for name, before, immediate in uses:
                if name in self.bind_values:
                    site = self._bind_site(name, before)
                    walk.binds.add((name, site, before))
                    for used in self.bind_values[name]:
                        uses.append((used, before if site is None else site, True))
                    continue
                found = self._resolve(name, before)
                walk.deps.setdefault(index, {}).setdefault(name, set()).update(found)
                walk.defs.update((other, name) for other in found)
                todo.extend((other, before) for other in found)
                inner = unit.compound and name in unit.binds  # bound earlier in its own body
                if not found and immediate and not inner and not _predefined(name):
                    walk.missing.add((index, name))
        return walk

    def _closure(self) -> _Walk:
        """Walk from the target, then add statements that configure what it needs."""
        walk = self._walk([(self.target_index, self.target_index)])
        configs = [
            i for i, unit in enumerate(self.units) if not unit.guard and is_config(unit.node)
        ]
        tried: set[int] = set()
        candidates = set(configs) | set(self._mutations(walk.defs)) - walk.needed
        while candidates:
            for index in sorted(candidates):
                extra = self._walk([(index, index)])
                if not extra.needed & self.data_units:
                    walk.merge(extra)
            tried |= candidates
            candidates = set(self._mutations(walk.defs)) - walk.needed - tried
        return walk

    def _mutations(self, defs: Iterable[tuple[int, str]]) -> Iterable[int]:
        for index, name in defs:
            for later in range(index + 1, self.target_index):
                unit = self.units[later]
                if unit.guard:
                    continue
                if mutates(unit.node, name) and not calls(unit.node, never_kept):
                    yield later
                if name in unit.binds and not unit.weak:
                    break

    # -- data ----------------------------------------------------------------------------------

    def _check_data(self, walk: _Walk) -> None:
        needed = walk.needed
        data = needed & self.data_units
        if not data:
            return
        deps = {i: set().union(*walk.deps.get(i, {}).values()) for i in needed}
        tainted = set(data)
        changed = True
        while changed:
            changed = False
            for index in needed - tainted:
                if deps[index] & tainted:
                    tainted.add(index)
                    changed = True
        bindable = {i for i in tainted - data if self._bindable(i, walk.deps.get(i, {}), tainted)}
        frontier = sorted(i for i in bindable if not deps[i] & bindable)
        if frontier:
            found = [(self.units[i].binds[0], self.units[i].start[0]) for i in frontier]
        else:
            first = min(data)
            read = [n for n in self.units[first].binds if (first, n) in walk.defs]
            found = [
                ((read or self.units[first].binds or ("data",))[0], self.units[first].start[0])
            ]
        (name, line), *also = found
        raise NeedsData(name, line, self.path, tuple(also))

    def _bindable(self, index: int, deps: dict[str, set[int]], tainted: set[int]) -> bool:
        """A plain assignment that only takes sizes or counts from data: what a user would bind."""
        node = self.units[index].node
        if isinstance(node, cst.Assign):
            targets, value = [t.target for t in node.targets], node.value
        elif isinstance(node, cst.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        else:
            return False
        if not all(isinstance(t, cst.Name) for t in targets):
            return False
        calls_ok = all(
            last_name(call.func) in _SUMMARY_CALLS | _PURE_CALLS for call in _find(value, cst.Call)
        )
        from_data = {name for name, found in deps.items() if found & tainted}
        return calls_ok and all(
            self._summarized(name) for name in _names(value) if name.value in from_data
        )

    def _summarized(self, name: cst.Name) -> bool:
        parent = self.parents[name]
        if isinstance(parent, cst.Attribute) and parent.value is name:
            return parent.attr.value in _SUMMARY_ATTRS | _SUMMARY_CALLS
        if isinstance(parent, cst.Arg):
            call = self.parents[parent]
            return isinstance(call, cst.Call) and last_name(call.func) in _SUMMARY_CALLS
        return False

    # -- output --------------------------------------------------------------------------------

    def render(self) -> str:
        walk = self._closure()
        if walk.missing:
            raise self._missing(*min(walk.missing))
        self._check_data(walk)
        needed = walk.needed | {i for i, unit in enumerate(self.units) if _is_future(unit.node)}
        pieces = [(*self.units[i].start, self._text(i)) for i in needed]
        covered = {
            line for i in needed for line in range(self.units[i].start[0], self.units[i].end[0] + 1)
        }
        sites = {(name, site) for name, site, _ in walk.binds if site is not None}
        for name, site in sorted(sites, key=lambda s: (s[1], s[0])):
            text = f"{name} = {self.bind_text[name]}"
            if site in needed:
                pieces.append(self._after(site, name, text, needed))
            else:
                pieces.append((*self.units[site].start, text))
                covered.add(self.units[site].start[0])
        unsited: dict[str, int] = {}
        for name, maybe_site, before in walk.binds:
            if maybe_site is None:
                unsited[name] = min(before, unsited.get(name, before))
        for name, before in sorted(unsited.items()):
            text = f"{name} = {self.bind_text[name]}"
            pieces.append(self._before(before, name, text, covered))
        return self._assemble(pieces)

    def _text(self, index: int) -> str:
        unit = self.units[index]
        (l1, c1), (l2, c2) = unit.start, unit.end
        if l1 == l2:
            return self.lines[l1 - 1][c1:c2]
        return "\n".join(
            [self.lines[l1 - 1][c1:], *self.lines[l1 : l2 - 1], self.lines[l2 - 1][:c2]]
        )

    def _after(self, site: int, name: str, text: str, needed: set[int]) -> tuple[int, int, str]:
        """A bind for a name whose statement is kept for other names goes right after it."""
        unit = self.units[site]
        if not unit.compound:
            return (*unit.end, text)
        following = [self.units[i] for i in needed if self.units[i].start[0] == unit.end[0] + 1]
        if any(u.compound for u in following):
            raise SliceError(
                f"cannot place --bind {name} after this statement", self.path, unit.start[0]
            )
        return (unit.end[0] + 1, -1, text)

    def _before(self, before: int, name: str, text: str, covered: set[int]) -> tuple[int, int, str]:
        """A bind for a name no statement defines goes just before the statement that reads it."""
        unit = self.units[before]
        if not unit.compound:
            return (unit.start[0], unit.start[1] - 1, text)
        futures = [u.end[0] for u in self.units if _is_future(u.node)]
        for line in range(unit.start[0] - 1, max(futures, default=0), -1):
            if line not in covered:
                covered.add(line)
                return (line, 0, text)
        raise SliceError(f"no free line to place --bind {name}", self.path, unit.start[0])

    def _assemble(self, pieces: list[tuple[int, int, str]]) -> str:
        out: list[str] = []
        for line, _, text in sorted(pieces):
            first, *rest = text.split("\n")
            if len(out) >= line:
                out[-1] += f"; {first}"
            else:
                out.extend([""] * (line - 1 - len(out)))
                out.append(first)
            out.extend(rest)
        result = "\n".join(out) + "\n"
        error = _syntax_error(result, self.path)
        if error:  # a layout the slicer cannot express; never the user's fault
            raise SliceError(
                f"internal error, slice does not parse: {error.msg}", self.path, error.lineno
            )
        return result

    def _missing(self, index: int, name: str) -> SliceError:
        if index != self.target_index:
            return SliceError(
                f"{name!r} is used here but nothing before it defines it",
                self.path,
                self.units[index].start[0],
            )
        guarded = [u for u in self.units if u.guard and name in u.binds]
        if guarded:
            return SliceError(
                f'{name!r} is only defined under `if __name__ == "__main__":`; '
                "verification needs it at module level",
                self.path,
                guarded[0].start[0],
            )
        return SliceError(f"nothing at module level defines {name!r}", self.path)


def _units(wrapper: MetadataWrapper) -> list[_Unit]:
    """Split the module into statements and record what each binds and reads at module level."""
    positions = wrapper.resolve(PositionProvider)
    scopes = wrapper.resolve(ScopeProvider)
    accesses = {
        id(access.node): access
        for scope in {s for s in scopes.values() if s is not None}
        for access in scope.accesses
        if isinstance(access.node, cst.Name)
    }
    statements = _statements(wrapper.module)
    bound = _module_bindings(scopes[wrapper.module], [node for node, _, _ in statements], positions)
    units = []
    for index, (node, compound, guard) in enumerate(statements):
        if isinstance(node, cst.FunctionDef | cst.ClassDef):
            binds: tuple[str, ...] = (node.name.value,)
            first: cst.CSTNode = node.decorators[0] if node.decorators else node
        else:
            binds = () if isinstance(node, cst.AnnAssign) and node.value is None else bound[index]
            first = node
        start, end = positions[first].start, positions[node].end
        immediate, deferred = _reads(node, accesses)
        units.append(
            _Unit(
                node=node,
                start=(start.line, start.column),
                end=(end.line, end.column),
                compound=compound,
                guard=guard,
                star=isinstance(node, cst.ImportFrom) and isinstance(node.names, cst.ImportStar),
                binds=binds,
                immediate=immediate,
                deferred=deferred,
            )
        )
    return units


def _statements(module: cst.Module) -> list[tuple[cst.CSTNode, bool, bool]]:
    """(node, is compound, is under the main guard) for each statement, `a; b` split in two."""
    statements: list[tuple[cst.CSTNode, bool, bool]] = []
    for statement in module.body:
        guard = _is_main_guard(statement)
        if isinstance(statement, cst.SimpleStatementLine):
            statements += [(small, False, guard) for small in statement.body]
        else:
            statements.append((statement, True, guard))
    return statements


def _module_bindings(
    scope: Scope | None, nodes: list[cst.CSTNode], positions: Mapping[cst.CSTNode, CodeRange]
) -> list[tuple[str, ...]]:
    """The module-level names each statement binds, in source order."""
    assert isinstance(scope, GlobalScope)
    owner = {id(inner): index for index, node in enumerate(nodes) for inner in _walk_nodes(node)}
    found: list[list[tuple[CodePosition, str]]] = [[] for _ in nodes]
    for assignment in scope.assignments:
        if not isinstance(assignment, Assignment):
            continue
        index = owner.get(id(assignment.node))
        if index is not None and "." not in assignment.name:  # `import a.b` binds `a` as well
            found[index].append((positions[assignment.node].start, assignment.name))
    return [
        tuple(
            dict.fromkeys(name for _, name in sorted(names, key=lambda f: (f[0].line, f[0].column)))
        )
        for names in found
    ]


def _reads(node: cst.CSTNode, accesses: dict[int, Access]) -> tuple[frozenset[str], frozenset[str]]:
    """Module-level names read when the statement runs, and those read later by its functions."""
    immediate: set[str] = set()
    deferred: set[str] = set()
    for name in _names(node):
        access = accesses.get(id(name))
        if access is None or not _is_global(access):
            continue
        if access.is_annotation or _in_function(access.scope):  # may never be evaluated
            deferred.add(name.value)
        else:
            immediate.add(name.value)
    return frozenset(immediate), frozenset(deferred)


def _syntax_error(text: str, path: str) -> SyntaxError | None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # e.g. invalid escape sequences: not ours to report
        try:
            ast.parse(text, path)
        except SyntaxError as exc:
            return exc
    return None


def _is_global(access: Access) -> bool:
    """True for a name that refers to a module-level binding (or to nothing at all)."""
    referents = access.referents
    return not referents or any(isinstance(r.scope, GlobalScope) for r in referents)


def _in_function(scope: Scope) -> bool:
    """Names read inside a function body are read when it is called, not when it is defined."""
    while not isinstance(scope, GlobalScope):
        if isinstance(scope, FunctionScope):
            return True
        scope = scope.parent
    return False


def _predefined(name: str) -> bool:
    return hasattr(builtins, name) or name in {"__file__", "__name__", "__doc__"}


def _walk_nodes(node: cst.CSTNode) -> Iterable[cst.CSTNode]:
    yield node
    for child in node.children:
        yield from _walk_nodes(child)


def _find(node: cst.CSTNode, kind: type) -> list:
    return [n for n in _walk_nodes(node) if isinstance(n, kind)]


def _names(node: cst.CSTNode) -> list[cst.Name]:
    return _find(node, cst.Name)


def _is_future(node: cst.CSTNode) -> bool:
    return (
        isinstance(node, cst.ImportFrom)
        and isinstance(node.module, cst.Name)
        and node.module.value == "__future__"
    )


def _is_main_guard(node: cst.CSTNode) -> bool:
    if not isinstance(node, cst.If) or not isinstance(node.test, cst.Comparison):
        return False
    test = node.test
    if len(test.comparisons) != 1 or not isinstance(test.comparisons[0].operator, cst.Equal):
        return False
    sides = [test.left, test.comparisons[0].comparator]
    texts = {
        s.value if isinstance(s, cst.Name) else s.evaluated_value
        for s in sides
        if isinstance(s, cst.Name | cst.SimpleString)
    }
    return texts == {"__name__", "__main__"}
