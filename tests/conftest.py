"""Fixtures the kata tests share: the data sets, loaded once per session (read-only).

The harness itself (options, the ``impl`` parametrization, todo / wrong / done
bookkeeping, the progress table) is the pytest plugin ``kata.plugin``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

import pytest

from kata import data, inputs


def _load(loader: Callable[[], data.Dataset]) -> data.Dataset:
    try:
        dataset = loader()
    except data.DataUnavailableError as error:
        required = os.environ.get("CI", "").lower() in ("1", "true") or os.environ.get("KATA_REQUIRE_DATA") == "1"
        if required:
            pytest.fail(str(error), pytrace=False)
        pytest.skip(str(error))
    for array in dataset:
        array.setflags(write=False)  # shared by every test: nobody may change it in place
    return dataset


@pytest.fixture(scope="session")
def mnist() -> data.Dataset:
    """MNIST as published, flat float32 images in [0, 1] and int64 labels (read-only)."""
    return _load(lambda: data.load_mnist(progress=False))


@pytest.fixture(scope="session")
def fashion_mnist() -> data.Dataset:
    """Fashion-MNIST, as ``mnist``."""
    return _load(lambda: data.load_fashion_mnist(progress=False))


@pytest.fixture(scope="session")
def digits() -> data.Dataset:
    """scikit-learn's 8x8 digits: 1,500 train and 297 test flat float32 images (read-only)."""
    return _load(data.load_digits)


@pytest.fixture
def one_blas_thread() -> Iterator[None]:
    """NumPy's BLAS on one thread during the test, for the tests that time code."""
    with inputs.one_blas_thread():
        yield
