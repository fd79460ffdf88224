"""``python -m kata`` is the ``kata`` command."""

from .cli import main

raise SystemExit(main())
