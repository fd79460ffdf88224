"""1.2 matrix_multiply and matrix_multiply_loops."""

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from kata.testing import assert_close, best_time, call_unchanged, raises_containing, rejects

both_katas = pytest.mark.parametrize(
    "name",
    [
        pytest.param("matrix_multiply", marks=pytest.mark.kata("chapter1.matrix_multiply")),
        pytest.param("matrix_multiply_loops", marks=pytest.mark.kata("chapter1.matrix_multiply_loops")),
    ],
)


@st.composite
def operands(draw):
    n, d, k = draw(st.integers(1, 6)), draw(st.integers(1, 6)), draw(st.integers(1, 6))
    values = st.floats(-10, 10, allow_nan=False)
    return draw(hnp.arrays(np.float64, (n, d), elements=values)), draw(hnp.arrays(np.float64, (d, k), elements=values))


@both_katas
def test_hand_computed_product(impl, name):
    X = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    W = np.array([[1.0, 0.0], [0.0, 2.0], [-1.0, 1.0]])
    expected = np.array([[1 * 1 + 3 * -1, 2 * 2 + 3 * 1], [4 * 1 + 6 * -1, 5 * 2 + 6 * 1]], dtype=float)
    assert_close(getattr(impl.chapter1, name)(X, W), expected, what=f"{name}(X, W)")


@both_katas
@given(pair=operands())
@example(pair=(np.arange(6.0).reshape(2, 3), np.ones((3, 4))))  # checked first: a stub fails at once
def test_matches_einsum(impl, name, pair):
    X, W = pair
    assert_close(getattr(impl.chapter1, name)(X, W), np.einsum("ij,jk->ik", X, W), what=f"{name}(X, W)", atol=1e-9)


@both_katas
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_keeps_float_dtype_and_inputs(impl, name, dtype):
    rng = np.random.default_rng(0)
    X, W = rng.normal(size=(4, 3)).astype(dtype), rng.normal(size=(3, 5)).astype(dtype)
    Z = call_unchanged(getattr(impl.chapter1, name), X, W)
    assert_close(Z, X.astype(np.float64) @ W, what=f"{name}(X, W)", dtype=dtype, rtol=1e-5)


@pytest.mark.kata("chapter1.matrix_multiply")
def test_mismatched_shapes_name_both(impl):
    with raises_containing("(4, 2)", "(3, 3)"):
        impl.chapter1.matrix_multiply(np.ones((4, 2)), np.ones((3, 3)))


@pytest.mark.kata("chapter1.matrix_multiply_loops")
def test_loops_refuse_mismatched_shapes_through_the_contract(impl):
    with rejects("W", "X"):
        impl.chapter1.matrix_multiply_loops(np.ones((4, 2)), np.ones((3, 3)))


@both_katas
def test_rejects_vectors(impl, name):
    with rejects("X"):
        getattr(impl.chapter1, name)(np.ones(3), np.ones((3, 2)))


@pytest.mark.kata("chapter1.matrix_multiply_loops")
def test_vectorized_is_much_faster_than_loops(impl):
    rng = np.random.default_rng(0)
    X, W = rng.normal(size=(48, 48)), rng.normal(size=(48, 48))
    loops = best_time(impl.chapter1.matrix_multiply_loops, X, W, repeat=2)
    vectorized = best_time(impl.chapter1.matrix_multiply, X, W, repeat=20)
    ratio = loops / vectorized
    print(f"48x48 @ 48x48: loops {loops * 1e3:.2f} ms, vectorized {vectorized * 1e3:.4f} ms, ratio {ratio:.0f}x")
    assert ratio >= 10, (
        f"matrix_multiply_loops took {loops * 1e3:.2f} ms and matrix_multiply {vectorized * 1e3:.4f} ms: "
        f"only {ratio:.1f}x apart. Expected the loops to be at least 10x slower (usually hundreds of times): "
        "is matrix_multiply_loops really three Python loops, and matrix_multiply one np.matmul call?"
    )
