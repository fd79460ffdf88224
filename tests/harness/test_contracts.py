"""Input contracts: what each rule accepts, what it refuses, and what the message says."""

import numpy as np
import pytest

from kata.contracts import (
    Array,
    ContractError,
    Instance,
    Int,
    Ints,
    Layers,
    OneOf,
    Params,
    Real,
    Rule,
    contract,
    contract_of,
)


@contract(X=Array("(n, d)"), W=Array("(d, k)"), b=Array("(1, k)"))
def dense(X, W, b):
    return X @ W + b


def refusal(function, *args, **kwargs) -> ContractError:
    with pytest.raises(ContractError) as caught:
        function(*args, **kwargs)
    return caught.value


def test_the_body_receives_float_arrays():
    Z = dense([[1, 2]], np.ones((2, 3), dtype=np.float32), np.zeros((1, 3), dtype=np.float32))
    assert Z.dtype == np.float64 and Z.tolist() == [[3.0, 3.0, 3.0]]
    X = np.ones((2, 2), dtype=np.float32)
    seen = contract(X=Array("(n, d)"))(lambda X: X)(X)
    assert seen is X, "a float array is passed on as it is, without a copy"


@pytest.mark.parametrize(
    ("dtype", "array"),
    [
        ("float", np.ones(2, dtype=np.float32)),
        ("real", np.array([True, False])),
        ("int", np.arange(2, dtype=np.int8)),
        ("bool", np.array([True, False])),
        ("any", np.array(["a", "b"])),
    ],
)
def test_an_array_of_an_accepted_dtype_is_passed_on_unconverted(dtype, array):
    seen = contract(a=Array("(n,)", dtype))(lambda a: a)(array)
    assert seen is array


def test_a_dimension_name_binds_across_arguments():
    error = refusal(dense, np.ones((4, 784)), np.ones((100, 256)), np.ones((1, 256)))
    assert error.arguments == ("W", "X")
    assert str(error) == "W must have shape (d, k) = (784, k) (d from X of shape (4, 784)); got shape (100, 256)"


def test_wrong_number_of_dimensions_and_literal_sizes():
    assert str(refusal(dense, np.ones(3), np.ones((3, 2)), np.ones((1, 2)))) == (
        "X must be a 2-D array of shape (n, d); got shape (3,)"
    )
    error = refusal(dense, np.ones((2, 3)), np.ones((3, 2)), np.ones((2, 2)))
    assert error.arguments[0] == "b" and "(1, k) = (1, 2)" in str(error)


def test_variadic_shapes():
    same = contract(a=Array("(*s)"), b=Array("(*s)"))(lambda a, b: a + b)
    assert same(np.ones((2, 3)), np.ones((2, 3))).shape == (2, 3)
    error = refusal(same, np.ones((3, 1)), np.ones(3))
    assert str(error) == "b must have shape (*s) = (3, 1) (s from a of shape (3, 1)); got shape (3,)"
    rows = contract(X=Array("(n, ...)", "any"), y=Array("(n,)", "any"))(lambda X, y: len(X))
    assert rows(np.ones((4, 2, 2)), ["a", "b", "c", "d"]) == 4
    assert refusal(rows, np.ones((4, 2)), np.ones(3)).arguments == ("y", "X")


def test_dtypes_emptiness_and_value_bounds():
    labels = contract(y=Array("(n,)", "int", ge=0, lt="k"), k=Int(ge=1))(lambda y, k: y)
    assert "must hold integers; got dtype float64" in str(refusal(labels, np.array([0.0, 1.0]), 2))
    assert "0 <= x < k = 2; got values from 0 to 3" in str(refusal(labels, np.array([0, 3]), 2))
    assert "must not be empty" in str(refusal(dense, np.ones((0, 2)), np.ones((2, 1)), np.ones((1, 1))))
    assert "real numbers" in str(refusal(dense, "text", np.ones((2, 1)), np.ones((1, 1))))
    one_hot = contract(Y=Array("(n, k)", one_hot=True))(lambda Y: Y)
    assert "one-hot" in str(refusal(one_hot, np.array([[1.0, 1.0]])))


@pytest.mark.parametrize(
    ("spec", "bad", "message"),
    [
        (Int(ge=1), 0, "stride must be an int n >= 1; got 0"),
        (Int(ge=1), 2.0, "stride must be an int n >= 1; got float 2.0"),
        (Int(ge=1), True, "stride must be an int n >= 1; got bool True"),
        (Real(gt=0, le=1), 1.5, "stride must be a finite number 0 < x <= 1; got 1.5"),
        (Real(gt=0), float("nan"), "stride must be a finite number x > 0; got float nan"),
        (Real(gt=0), True, "stride must be a finite number x > 0; got bool True"),
        (Real(gt=0), float("inf"), "stride must be a finite number x > 0; got float inf"),
        (OneOf("relu", "sigmoid"), "tanh", "stride must be one of 'relu', 'sigmoid'; got 'tanh'"),
        (Ints(min_len=2, ge=1), [3], "stride must be a list of at least 2 ints >= 1; got [3]"),
        (Instance(np.random.Generator), 0, "stride must be a Generator; got int"),
    ],
)
def test_scalar_rules(spec, bad, message):
    checked = contract(stride=spec)(lambda stride: stride)
    error = refusal(checked, bad)
    assert error.arguments == ("stride",) and str(error) == message


def test_scalars_reach_the_body_as_python_numbers():
    checked = contract(n=Int(ge=0), x=Real(), sizes=Ints(min_len=0))(lambda n, x, sizes: (n, x, sizes))
    n, x, sizes = checked(np.int64(3), np.float32(0.5), (1, 2))
    assert type(n) is int and type(x) is float and sizes == (1, 2)


def test_optional_and_defaults():
    checked = contract(rng=Instance(np.random.Generator, optional=True), k=Int(ge=1))(lambda rng=None, k=2: k)
    assert checked() == 2 and checked(None, 3) == 3
    assert refusal(checked, k=0).arguments == ("k",)


def test_params_and_layers():
    params = contract(X=Array("(n, d)"), p=Params(W="(d, h)", b="(1, h)"))(lambda X, p: p)
    good = {"W": np.ones((3, 2)), "b": np.ones((1, 2)), "extra": 1}
    assert params(np.ones((4, 3)), good) is good
    assert "p lacks b" in str(refusal(params, np.ones((4, 3)), {"W": np.ones((3, 2))}))
    error = refusal(params, np.ones((4, 5)), good)
    assert error.arguments == ("p", "X") and "p['W'] must have shape (d, h) = (5, h)" in str(error)
    layers = contract(parameters=Layers(), X=Array("(n_x, m)"))(lambda parameters, X: X)
    net = {"W1": np.ones((3, 2)), "b1": np.ones((3, 1)), "W2": np.ones((1, 3)), "b2": np.ones((1, 1))}
    assert layers(net, np.ones((2, 5))).shape == (2, 5)
    assert refusal(layers, net, np.ones((4, 5))).arguments == ("X", "parameters")
    assert refusal(layers, {**net, "b2": np.ones((2, 1))}, np.ones((2, 5))).arguments == ("parameters",)
    assert "got the keys" in str(refusal(layers, {"W1": np.ones((3, 2))}, np.ones((2, 5))))


def test_rules_name_the_arguments_behind_their_dimensions():
    conv = contract(
        Rule("kh <= H and kw <= W", "the kernel must fit in the image"),
        image=Array("(H, W)"),
        kernel=Array("(kh, kw)"),
    )(lambda image, kernel: None)
    error = refusal(conv, np.ones((3, 3)), np.ones((5, 2)))
    assert error.arguments == ("kernel", "image")
    assert str(error) == "the kernel must fit in the image (kh <= H and kw <= W is false: kh = 5, H = 3, kw = 2, W = 3)"


def test_the_contract_is_kept_on_the_function():
    assert contract_of(dense) is not None and contract_of(lambda X: X) is None
    assert dense.__name__ == "dense" and dense.__wrapped__(np.ones((1, 1)), np.ones((1, 1)), 0).shape == (1, 1)
    with pytest.raises(ValueError, match="names no parameter Y"):
        contract(Y=Array())(lambda X: X)


def test_a_bound_naming_another_argument_is_checked_after_it():
    labels = contract(y=Array("(n,)", "int", ge=0, lt="k"), k=Int(ge=1))(lambda y, k: y)
    assert refusal(labels, np.array([0, 1]), 2.5).arguments == ("k",)


def test_rules_may_use_generator_expressions_and_array_methods():
    chained = contract(
        Rule("all(a.shape[1] == b.shape[0] for a, b in zip(layers, layers[1:]))", "the layers must chain"),
        Rule("y.min() >= 0", "y must not be negative"),
        layers=Instance(list),
        y=Array("(n,)"),
    )(lambda layers, y: len(layers))
    assert chained([np.ones((2, 3)), np.ones((3, 1))], np.ones(2)) == 2
    assert refusal(chained, [np.ones((2, 3)), np.ones((2, 1))], np.ones(2)).arguments == ("layers",)
    assert refusal(chained, [np.ones((2, 3))], -np.ones(2)).arguments == ("y",)
