"""``python -m kata.bench``: see ``kata/bench/command.py``."""

from .command import main

raise SystemExit(main())
