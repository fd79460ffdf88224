"""Run every declared alternative (a correct implementation written differently
from the reference) through its kata's tests; fail if one is rejected.

    python -m kata.alternatives [--chapter chapter1] [--kata chapter1.normalize] [-j 2]

The machinery is :mod:`kata.mutants`'s; see its docstring.
"""

from __future__ import annotations

if __name__ == "__main__":
    from kata.mutants import main

    raise SystemExit(main(kind="alternative"))
