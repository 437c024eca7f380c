from kcodegen.cli import run

run()
