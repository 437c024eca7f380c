from kcodegen.cli import main

main()
