"""`python -m huibian` runs the command line."""

from huibian.cli import main

main()
