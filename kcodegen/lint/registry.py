"""Every lint rule, found by scanning ``kcodegen.lint.rules``: adding a rule module adds the rule."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from functools import cache

from kcodegen.lint import rules as rules_package
from kcodegen.lint.rule import Rule

CODE = re.compile(r"KCG[1-3]\d\d")
NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


@cache
def all_rules() -> tuple[Rule, ...]:
    """One instance of every rule, sorted by code; codes and names are checked to be unique."""
    found = [_rule_in(name) for name in _rule_modules()]
    found.sort(key=lambda rule: rule.code)
    for attribute in ("code", "name"):
        values = [getattr(rule, attribute) for rule in found]
        duplicates = sorted({value for value in values if values.count(value) > 1})
        if duplicates:
            raise RuntimeError(f"lint rules share a {attribute}: {', '.join(duplicates)}")
    return tuple(found)


def rule_by_code(code: str) -> Rule:
    """The rule with this code; KeyError names the code when there is none."""
    for rule in all_rules():
        if rule.code == code:
            return rule
    raise KeyError(code)


def _rule_modules() -> list[str]:
    return [
        f"{rules_package.__name__}.{module.name}"
        for module in pkgutil.iter_modules(rules_package.__path__)
        if not module.name.startswith("_")
    ]


def _rule_in(module_name: str) -> Rule:
    module = importlib.import_module(module_name)
    classes = [
        value
        for value in vars(module).values()
        if inspect.isclass(value) and issubclass(value, Rule) and value.__module__ == module_name
    ]
    if len(classes) != 1:
        raise RuntimeError(
            f"{module_name} must define exactly one Rule subclass, not {len(classes)}"
        )
    rule = classes[0]()
    if not CODE.fullmatch(rule.code) or not NAME.fullmatch(rule.name):
        raise RuntimeError(f"{module_name}: bad code {rule.code!r} or name {rule.name!r}")
    return rule
