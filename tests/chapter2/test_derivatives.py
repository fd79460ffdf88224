"""Derivatives by nudging: one-sided O(h) and centered O(h^2) differences, measured."""

import math

import numpy as np
import pytest

from kata.testing import assert_array, assert_close, assert_scalar, rejects

one_sided = pytest.mark.kata("chapter2.one_sided_derivative")
centered = pytest.mark.kata("chapter2.centered_derivative")
errors_kata = pytest.mark.kata("chapter2.derivative_errors")
order = pytest.mark.kata("chapter2.error_order")

STEPS = np.logspace(-1, -4, 7)  # 0.1 down to 1e-4: small enough for the Taylor terms, large enough to beat rounding


def square(a):
    return a * a


@one_sided
def test_one_sided_nudge_of_a_square(impl):
    # (f(2.001) - f(2)) / 0.001 = (4.004001 - 4) / 0.001 = 4.001: the slope 4 plus an error h.
    got = impl.chapter2.one_sided_derivative(square, 2.0, 0.001)
    # Against the same formula only the final division may round differently (x / h or x * (1 / h)): rtol 1e-12.
    # Against 4.001: f(2.001) rounds by ulp(4) = 8.9e-16, over h = 0.001 about 2e-13 relative: rtol 1e-9.
    assert_scalar(got, (square(2.001) - square(2.0)) / 0.001, what="one_sided_derivative(a^2, 2, 0.001)", rtol=1e-12)
    assert_scalar(got, 4.001, what="one_sided_derivative(a^2, 2, 0.001)", rtol=1e-9)


@one_sided
@pytest.mark.parametrize("a", [0.0, 1.0, 5.0, 10.0])
def test_one_sided_slope_of_a_line_is_constant(impl, a):
    # a + h and 3(a + h) round by ulp(30) = 3.6e-15 at most; over h = 0.001 that is ~4e-12 relative: rtol 1e-9.
    assert_scalar(impl.chapter2.one_sided_derivative(lambda x: 3 * x, a, 0.001), 3.0, what=f"slope of 3a at {a}",
                  rtol=1e-9)  # fmt: skip


@one_sided
def test_one_sided_error_shrinks_like_h(impl):
    errors = [abs(impl.chapter2.one_sided_derivative(math.sin, 1.0, h) - math.cos(1.0)) for h in STEPS]
    slope = np.polyfit(np.log(STEPS), np.log(errors), 1)[0]
    assert 0.9 <= slope <= 1.1, f"one-sided errors should shrink like h (order 1); measured order {slope:.2f}"


@centered
@pytest.mark.parametrize("h", [0.5, 0.01])
def test_centered_is_exact_for_a_square(impl, h):
    # f(3 +- h) ~ 9 rounds by ulp(9) = 1.8e-15; over 2h >= 0.02 that is ~1e-13 on 6: rtol 1e-9.
    assert_scalar(impl.chapter2.centered_derivative(square, 3.0, h), 6.0, what=f"centered_derivative(a^2, 3, {h})",
                  rtol=1e-9)  # fmt: skip


@centered
def test_centered_error_of_a_cube_is_h_squared(impl):
    # ((a + h)^3 - (a - h)^3) / (2h) = 3a^2 + h^2; f ~ 9 rounds by 1.8e-15, over 2h = 0.2 ~1e-14: rtol 1e-10.
    got = impl.chapter2.centered_derivative(lambda a: a**3, 2.0, 0.1)
    assert_scalar(got, 12.0 + 0.01, what="centered_derivative(a^3, 2, 0.1) = 3a^2 + h^2", rtol=1e-10)


@centered
def test_centered_error_shrinks_like_h_squared(impl):
    errors = [abs(impl.chapter2.centered_derivative(math.sin, 1.0, h) - math.cos(1.0)) for h in STEPS]
    slope = np.polyfit(np.log(STEPS), np.log(errors), 1)[0]
    assert 1.9 <= slope <= 2.1, f"centered errors should shrink like h^2 (order 2); measured order {slope:.2f}"


@pytest.mark.parametrize(
    "name",
    [
        pytest.param("one_sided_derivative", marks=pytest.mark.kata("chapter2.one_sided_derivative")),
        pytest.param("centered_derivative", marks=pytest.mark.kata("chapter2.centered_derivative")),
    ],
)
@pytest.mark.parametrize("h", [0.0, -0.1])
def test_rejects_non_positive_steps(impl, name, h):
    with rejects("h"):
        getattr(impl.chapter2, name)(square, 1.0, h)


@errors_kata
def test_errors_over_a_range_of_steps(impl):
    one, two = impl.chapter2.derivative_errors(math.sin, math.cos(1.0), 1.0, STEPS)
    expected_one = [abs((math.sin(1 + h) - math.sin(1)) / h - math.cos(1)) for h in STEPS]
    expected_two = [abs((math.sin(1 + h) - math.sin(1 - h)) / (2 * h) - math.cos(1)) for h in STEPS]
    # Another order of the same arithmetic (dividing by h then by 2, or averaging the forward and backward
    # differences) changes an estimate by the rounding of f(x +- h), about 1e-16 * |sin| / h <= 1.1e-12 at
    # h = 1e-4; the centered errors there are only 1e-9, so they need an atol: 1e-11, ten times the rounding.
    assert_close(one, np.array(expected_one), what="one-sided errors |estimate - exact|", rtol=1e-6, atol=1e-11)
    assert_close(two, np.array(expected_two), what="centered errors |estimate - exact|", rtol=1e-6, atol=1e-11)
    assert_array(one, what="one-sided errors", shape=(7,), dtype=np.float64)
    assert_array(two, what="centered errors", shape=(7,), dtype=np.float64)
    for what, errors, expected_order in (("one-sided", one, 1), ("centered", two, 2)):
        slope = np.polyfit(np.log(STEPS), np.log(errors), 1)[0]
        assert abs(slope - expected_order) < 0.1, (
            f"{what} errors: measured order {slope:.2f}, expected {expected_order}"
        )


@errors_kata
@pytest.mark.parametrize(
    "steps", [[0.1, 0.0], [0.1, -0.01], [], [[0.1, 0.01]]], ids=["zero", "negative", "empty", "2-D"]
)
def test_errors_reject_bad_steps(impl, steps):
    with rejects("steps"):
        impl.chapter2.derivative_errors(math.sin, math.cos(1.0), 1.0, steps)


@order
@pytest.mark.parametrize(("power", "constant"), [(1, 0.3), (2, 5.0), (3, 1e-3)])
def test_order_of_an_exact_power_law(impl, power, constant):
    steps = [0.1, 0.05, 0.01, 0.001]
    errors = [constant * h**power for h in steps]
    # The logs are exact to an ulp, so any least-squares formula recovers the power to ~1e-14: rtol 1e-9.
    assert_scalar(impl.chapter2.error_order(steps, errors), float(power), what=f"order of {constant} h^{power}",
                  rtol=1e-9)  # fmt: skip


@order
def test_order_is_the_least_squares_slope(impl):
    rng = np.random.default_rng(0)
    steps = np.logspace(-1, -3, 6)
    errors = 2 * steps**1.5 * np.exp(0.2 * rng.normal(size=6))  # noisy: the fit must use every point
    expected = np.polyfit(np.log(steps), np.log(errors), 1)[0]
    assert_scalar(impl.chapter2.error_order(steps, errors), float(expected), what="least-squares slope", rtol=1e-9)


@order
@pytest.mark.parametrize(
    ("steps", "errors", "culprits"),
    [([0.1, 0.01], [1e-3, 0.0], ["errors"]), ([0.1, -0.01], [1e-3, 1e-4], ["steps"]), ([0.1], [1e-3], ["steps"]),
     ([0.1, 0.1], [1e-3, 1e-3], ["steps"]), ([0.1, 0.01], [1e-3], ["errors", "steps"])],
    ids=["zero-error", "negative-step", "one-step", "one-distinct-step", "lengths-differ"],
)  # fmt: skip
def test_order_rejects_bad_input(impl, steps, errors, culprits):
    with rejects(*culprits):
        impl.chapter2.error_order(steps, errors)
