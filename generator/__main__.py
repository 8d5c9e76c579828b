"""Allow ``python -m csplan``."""

from csplan.cli import main

main()
