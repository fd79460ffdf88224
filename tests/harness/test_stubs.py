"""Stub generation from reference modules."""

import pytest

from kata.stubs import stub_function, stub_source

REFERENCE = '''"""A module docstring."""

from __future__ import annotations

import numpy as np

from .._checks import require_ndim

SCALE = 2.0
_CACHE = {}


class Params:
    """A public container is copied verbatim."""

    size: int = 3


def double(
    X: np.ndarray,
    factor: float = SCALE,
) -> np.ndarray:
    """Multiply by ``factor``.

    Returns: an array.
    """
    return _helper(X) * factor


def _helper(X):
    return X
'''

EXPECTED = '''"""A module docstring."""

from __future__ import annotations

import numpy as np

from .._checks import require_ndim

SCALE = 2.0


class Params:
    """A public container is copied verbatim."""

    size: int = 3


def double(
    X: np.ndarray,
    factor: float = SCALE,
) -> np.ndarray:
    """Multiply by ``factor``.

    Returns: an array.
    """
    raise NotImplementedError("todo: double")
'''


def test_stub_source_keeps_the_spec_and_drops_the_solution():
    assert stub_source(REFERENCE) == EXPECTED


def test_stub_of_the_stub_is_the_stub():
    assert stub_source(EXPECTED) == EXPECTED


def test_stub_function():
    assert stub_function(REFERENCE, "double").endswith('    raise NotImplementedError("todo: double")')
    with pytest.raises(LookupError, match="triple"):
        stub_function(REFERENCE, "triple")


def test_a_public_function_needs_a_docstring():
    with pytest.raises(ValueError, match="needs a docstring"):
        stub_source("def bare(x):\n    return x\n")
