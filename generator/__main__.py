"""Allow ``python -m csplan``."""

from csplan.cli import run

run()
