"""What each ``kcg`` command does, apart from option parsing (which lives in ``kcodegen.cli``)."""
