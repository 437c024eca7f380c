"""The lint rules: one module per rule, ``kcgNNN_<name>.py``, each with exactly one Rule subclass.

Modules whose names start with ``_`` are shared helpers; every other module is a rule, found by
``kcodegen.lint.registry``, so adding a file adds a rule.
"""
