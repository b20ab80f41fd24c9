"""Allow ``python -m servanda``."""

from .cli import main

main()
