"""``kata compare``: the learner's function and the reference on the same seeded inputs."""

import importlib
import re
import time

import numpy as np
import pytest

from kata import cli, compare
from kata.trees import find_kata


@pytest.fixture
def learner(monkeypatch):
    """``learner("chapter1.normalize", function)``: pretend the learner wrote ``function``."""

    def write(name, function):
        kata = find_kata(name)
        module = importlib.import_module(f"exercises.{kata.chapter}.{kata.module}")
        monkeypatch.setattr(module, kata.name, function)
        return kata

    return write


@pytest.fixture(autouse=True)
def quick_timing(monkeypatch):
    monkeypatch.setattr(compare, "MIN_SECONDS", 0.001)


def reference(name):
    return find_kata(name).function("reference")


def stub(name):
    """A stub of the kata that, like the learner's untouched one, lives in the exercises tree."""
    kata = find_kata(name)
    namespace = {"__name__": f"exercises.{kata.chapter}.{kata.module}"}
    exec(f"def {kata.name}(*args, **kwargs):\n    raise NotImplementedError('todo')", namespace)
    return namespace[kata.name]


def test_a_correct_function_is_the_same(learner, capsys):
    learner("chapter1.normalize", reference("chapter1.normalize"))
    assert cli.main(["compare", "normalize"]) == 0
    output = capsys.readouterr().out
    assert "chapter1.normalize on seeded example inputs (seed 0):" in output
    assert "X = float64 (64, 5)" in output
    assert "result  float64 (64, 5)" in output
    assert "max abs diff 0, max rel diff 0 (where the reference is not 0): same" in output, "a constant column is 0"
    assert re.search(r"time on inputs \d+x the example's \(X float64 \(\d+, 5\)\): yours .* a call", output), output
    assert "x the reference's time)" in output


def test_a_transposed_result_has_different_shapes(learner, capsys):
    learner("chapter1.matrix_multiply", lambda X, W: (X @ W).T)
    assert cli.main(["compare", "matrix_multiply"]) == 1
    output = capsys.readouterr().out
    assert "float32 (16, 64)" in output and "float32 (64, 16)" in output and "different shapes" in output


def test_an_upcast_has_a_different_dtype(learner):
    kata = learner("chapter1.sigmoid", lambda Z: 1 / (1 + np.exp(-Z.astype(np.float64))))
    result = compare.compare(kata)
    (leaf,) = result.leaves
    assert leaf.verdict() == "same", "float64 example: the naive formula agrees on it"
    kata = learner("chapter1.matrix_multiply", lambda X, W: (X @ W).astype(np.float64))
    (leaf,) = compare.compare(kata).leaves
    assert leaf.verdict() == "different dtypes"
    assert leaf.differences().max_abs < 1e-5


def test_warnings_and_in_place_changes_are_reported(learner, capsys):
    def overflowing(Z):
        return 1 / (1 + np.exp(-Z))

    learner("chapter1.sigmoid", overflowing)

    def in_place(X):
        X -= X.mean(axis=0)
        return reference("chapter1.normalize")(X)

    assert cli.main(["compare", "sigmoid"]) == 0
    assert "yours warned: RuntimeWarning: overflow encountered in exp" in capsys.readouterr().out
    learner("chapter1.normalize", in_place)
    cli.main(["compare", "normalize"])
    assert "yours modified argument 1 in place" in capsys.readouterr().out


def test_tuples_generators_and_random_draws_are_compared_leaf_by_leaf(learner, capsys):
    learner("chapter1.iterate_minibatches", reference("chapter1.iterate_minibatches"))
    assert cli.main(["compare", "iterate_minibatches"]) == 0
    output = capsys.readouterr().out
    assert "rng = np.random.Generator (seeded, same state for both)" in output
    assert "result[2][0]  float64 (2, 2)" in output, "10 samples in batches of 4: the last holds 2"

    def other_draws(X, y, test_fraction, rng):
        rng.random(2)  # extra draws: a valid split, but a different one
        return reference("chapter1.train_test_split")(X, y, test_fraction, rng)

    learner("chapter1.train_test_split", other_draws)
    assert cli.main(["compare", "train_test_split"]) == 1
    output = capsys.readouterr().out
    assert "result[3]" in output and "different values" in output
    assert "This kata draws random numbers" in output


def test_results_that_are_not_arrays():
    assert compare.Leaf("result", (8, 7, 6), (8, 7, 6)).verdict() == "same"
    assert compare.Leaf("result", (7, 8, 6), (8, 7, 6)).verdict() == "different values"
    assert compare.Leaf("result", np.float64(0.5), 0.5).verdict() == "different types", "a loss must be a float"
    assert compare.Leaf("result", compare.MISSING, 0.5).verdict() == "missing in yours"
    paths = [path for path, _ in compare._leaves({"W": np.zeros(2), "grads": (1.0, [np.ones(1)])})]
    assert paths == ["result['W']", "result['grads'][0]", "result['grads'][1][0]"]


def test_a_stub_or_a_crash_is_explained_without_traceback(learner, capsys):
    learner("chapter1.one_hot", stub("chapter1.one_hot"))
    assert cli.main(["compare", "one_hot"]) == 1
    error = capsys.readouterr().err
    assert error.strip() == (
        "kata: todo: exercises.chapter1.toolkit.one_hot - implement it first (kata hint chapter1.one_hot)"
    )

    def crashing(labels, num_classes, dtype=np.float32):
        return np.eye(num_classes)[labels + 100]

    learner("chapter1.one_hot", crashing)
    assert cli.main(["compare", "one_hot"]) == 1
    error = capsys.readouterr().err
    assert error.startswith("kata: your chapter1.one_hot raised IndexError: index 1")
    assert "Traceback" not in error


def test_seed_changes_the_inputs(learner, capsys):
    learner("chapter1.normalize", reference("chapter1.normalize"))
    first = compare.compare(find_kata("normalize"), seed=1).inputs[0][1]
    second = compare.compare(find_kata("normalize"), seed=2).inputs[0][1]
    assert not np.array_equal(first, second)
    assert cli.main(["compare", "normalize", "--seed", "3"]) == 0
    assert "(seed 3)" in capsys.readouterr().out


def test_unknown_kata(capsys):
    assert cli.main(["compare", "normalise"]) == 2
    assert capsys.readouterr().err.strip() == "kata: no chapter or kata named 'normalise'; did you mean normalize?"
    assert cli.main(["compare", "chapter1"]) == 2
    assert "is a chapter" in capsys.readouterr().err


def test_nan_inf_and_zeros_are_reported_honestly():
    reference = np.array([0.0, 0.0, 1.0, 2.0, 4.0, np.inf])
    yours = np.array([0.0, 1e-3, np.nan, 2.5, np.inf, np.inf])
    differences = compare.Leaf("result", yours, reference).differences()
    assert differences.max_abs == 0.5, "over the elements finite in both"
    assert differences.max_rel == 0.25, "relative only where the reference is not 0: no 1e+307"
    assert (differences.nan_yours, differences.infinite, differences.zero_reference) == (1, 1, 2)
    assert differences.describe() == (
        "max abs diff 0.5, max rel diff 0.25 (where the reference is not 0); NaN in yours at 1 of 6; "
        "infinite in one but not the other at 1 of 6"
    )
    assert compare.Leaf("result", yours, reference).verdict() == "different values"
    only_nan = compare.Leaf("result", np.full(3, np.nan), np.ones(3)).differences()
    assert only_nan.describe() == "NaN in yours at 3 of 3", "never 'largest difference 0'"


def test_an_endless_loop_is_a_verdict_within_the_limit(learner, monkeypatch, capsys):
    monkeypatch.setattr(compare, "CALL_LIMIT", 0.5)

    def endless(Z):
        while True:
            Z = Z + 0

    kata = learner("chapter1.sigmoid", endless)
    started = time.perf_counter()
    assert cli.main(["compare", kata.qualname]) == 1
    assert time.perf_counter() - started < 5
    error = capsys.readouterr().err
    assert error.startswith("kata: wrong: your chapter1.sigmoid took longer than 0.5 s on the example inputs"), error
    assert "Traceback" not in error


def test_a_slow_learner_is_timed_on_large_inputs_and_says_how_much_slower(learner, capsys):
    def slow_sigmoid(Z):
        out = np.empty_like(Z)
        for index, z in np.ndenumerate(Z):  # one Python step per element
            out[index] = 0.5 * (1 + np.tanh(z / 2))
        return out

    learner("chapter1.sigmoid", slow_sigmoid)
    assert cli.main(["compare", "sigmoid"]) == 0
    output = capsys.readouterr().out
    found = re.search(r"time on inputs (\d+)x the example's .* \(yours takes ([\d.]+)x the reference's time\)", output)
    assert found and int(found.group(1)) >= 4 and float(found.group(2)) > 20, output
