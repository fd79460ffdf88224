"""The dataset pipeline: real downloads from a local HTTP server, caching, integrity, errors."""

import gzip
import hashlib
import http.server
import socket
import threading
from pathlib import Path
from typing import ClassVar

import numpy as np
import pytest

from kata import data
from kata.data import FILES, DatasetSpec, DataUnavailableError


def idx_bytes(array: np.ndarray) -> bytes:
    header = bytes([0, 0, 0x08, array.ndim]) + b"".join(size.to_bytes(4, "big") for size in array.shape)
    return header + array.astype(np.uint8).tobytes()


@pytest.fixture
def tiny(monkeypatch):
    """A registered 4x4-pixel dataset: 6 train and 3 test images, with its payloads."""
    rng = np.random.default_rng(0)
    payloads = {
        "train-images-idx3-ubyte": idx_bytes(rng.integers(0, 256, (6, 4, 4))),
        "train-labels-idx1-ubyte": idx_bytes(np.array([0, 1, 2, 9, 1, 0])),
        "t10k-images-idx3-ubyte": idx_bytes(rng.integers(0, 256, (3, 4, 4))),
        "t10k-labels-idx1-ubyte": idx_bytes(np.array([3, 3, 7])),
    }
    spec = DatasetSpec(
        name="tiny",
        title="Tiny",
        mirrors=(),
        sha256={name: hashlib.sha256(payload).hexdigest() for name, payload in payloads.items()},
        class_names=tuple(str(c) for c in range(10)),
    )
    monkeypatch.setitem(data.DATASETS, "tiny", spec)
    return payloads


class Routes(http.server.BaseHTTPRequestHandler):
    """Serves ``routes[path] = (status, body, truncate)``; anything else is a 404."""

    routes: ClassVar[dict[str, tuple[int, bytes, bool]]] = {}

    def do_GET(self):
        status, body, truncate = self.routes.get(self.path, (404, b"not found", False))
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body[: len(body) // 2] if truncate else body)
        if truncate:
            self.close_connection = True

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    """A local HTTP server; returns (base_url, routes dict to fill)."""
    routes: dict[str, tuple[int, bytes, bool]] = {}
    handler = type("Handler", (Routes,), {"routes": routes})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", routes
    httpd.shutdown()
    httpd.server_close()


def serve(routes, prefix, payloads, *, corrupt=(), truncate=(), missing=()):
    for name, payload in payloads.items():
        if name in missing:
            continue
        body = gzip.compress(b"\x00" * len(payload) if name in corrupt else payload)
        routes[f"{prefix}/{name}.gz"] = (200, body, name in truncate)


def refused_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/"  # nothing listens there any more


def leftovers(folder: Path) -> list[str]:
    return [path.name for path in folder.iterdir() if path.name.endswith(".partial")] if folder.exists() else []


def test_downloads_verify_and_cache(tiny, server, tmp_path):
    base, routes = server
    serve(routes, "/a", tiny)
    paths = data.fetch("tiny", folder=tmp_path, sources=[f"{base}/a/"], progress=False)
    assert sorted(paths) == sorted(FILES)
    assert all(paths[name].read_bytes() == tiny[name] for name in FILES), "cached files are the decompressed payloads"
    assert data.verify("tiny", folder=tmp_path) == dict.fromkeys(FILES, "ok")
    routes.clear()  # a second fetch must not need the network
    assert data.fetch("tiny", folder=tmp_path, sources=[f"{base}/a/"], progress=False) == paths


@pytest.mark.parametrize(
    ("problem", "expected"),
    [
        ({"corrupt": FILES[:1]}, "SHA-256"),
        ({"missing": FILES[:1]}, "HTTP 404"),
        ({"truncate": FILES[:1]}, "transfer or gzip failed"),
    ],
)
def test_falls_back_to_the_next_source(tiny, server, tmp_path, problem, expected):
    base, routes = server
    serve(routes, "/bad", tiny, **problem)
    serve(routes, "/good", tiny)
    with pytest.raises(DataUnavailableError, match=expected):
        data.fetch("tiny", folder=tmp_path / "only-bad", sources=[f"{base}/bad/"], progress=False)
    assert not leftovers(tmp_path / "only-bad")
    paths = data.fetch("tiny", folder=tmp_path / "both", sources=[f"{base}/bad/", f"{base}/good/"], progress=False)
    assert all(paths[name].read_bytes() == tiny[name] for name in FILES)


def test_refused_connection_is_reported_once_and_skipped(tiny, server, tmp_path):
    base, routes = server
    serve(routes, "/good", tiny)
    dead = refused_url()
    paths = data.fetch("tiny", folder=tmp_path, sources=[dead, f"{base}/good/"], progress=False)
    assert sorted(paths) == sorted(FILES)
    with pytest.raises(DataUnavailableError) as error:
        data.fetch("tiny", folder=tmp_path / "offline", sources=[dead], progress=False)
    message = str(error.value)
    assert message.count("could not connect") == 1, "an unreachable host is tried once, not once per file"
    for name in FILES:
        assert name in message, "the error names every missing file"
    assert "KATA_DATA_MIRROR" in message and str(tmp_path / "offline") in message, "the error says how to fix it"


def test_corrupt_cached_file_is_replaced(tiny, server, tmp_path, caplog):
    base, routes = server
    serve(routes, "/a", tiny)
    data.fetch("tiny", folder=tmp_path, sources=[f"{base}/a/"], progress=False)
    broken = tmp_path / FILES[0]
    broken.write_bytes(broken.read_bytes()[:-10])  # truncated
    assert data.verify("tiny", folder=tmp_path)[FILES[0]] == "corrupt"
    data.fetch("tiny", folder=tmp_path, sources=[f"{base}/a/"], progress=False)
    assert broken.read_bytes() == tiny[FILES[0]]
    assert "SHA-256" in caplog.text


def test_local_folder_mirror_and_manual_download(tiny, tmp_path, monkeypatch):
    mirror = tmp_path / "mirror"
    (mirror / "tiny").mkdir(parents=True)
    for name, payload in list(tiny.items())[1:]:
        (mirror / "tiny" / f"{name}.gz").write_bytes(gzip.compress(payload))
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / f"{FILES[0]}.gz").write_bytes(gzip.compress(tiny[FILES[0]]))  # placed there by hand
    monkeypatch.setenv("KATA_DATA_MIRROR", str(mirror))
    paths = data.fetch("tiny", folder=cache, progress=False)
    assert all(paths[name].read_bytes() == tiny[name] for name in FILES)


def test_interrupted_write_leaves_nothing_that_loads(tmp_path, monkeypatch):
    target = tmp_path / "file"

    def interrupted(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(data.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        data.write_atomically(target, b"payload")
    assert not target.exists() and not leftovers(tmp_path)


def test_load_options(tiny, tmp_path, monkeypatch):
    for name, payload in tiny.items():
        (tmp_path / "tiny").mkdir(exist_ok=True)
        (tmp_path / "tiny" / name).write_bytes(payload)
    monkeypatch.setenv("KATA_DATA_DIR", str(tmp_path))
    flat = data.load_idx_dataset("tiny", progress=False)
    assert flat.X_train.shape == (6, 16) and flat.X_train.dtype == np.float32
    assert flat.X_train.min() >= 0.0 and flat.X_train.max() <= 1.0
    assert flat.y_train.dtype == np.int64 and list(flat.y_test) == [3, 3, 7]
    images = data.load_idx_dataset("tiny", flat=False, one_hot=True, n_train=4, n_test=2, progress=False)
    assert images.X_train.shape == (4, 4, 4, 1) and images.X_test.shape == (2, 4, 4, 1)
    assert images.y_train.shape == (4, 10) and images.y_train.dtype == np.float32
    np.testing.assert_array_equal(images.y_train.argmax(axis=1), flat.y_train[:4])
    np.testing.assert_array_equal(images.X_train.reshape(4, 16), flat.X_train[:4])
    with pytest.raises(ValueError, match="n_train"):
        data.load_idx_dataset("tiny", n_train=7, progress=False)


def test_digits_is_an_offline_dataset():
    digits = data.load_digits()
    assert digits.X_train.shape == (1500, 64) and digits.X_test.shape == (297, 64)
    assert digits.X_train.dtype == np.float32 and digits.X_train.max() == 1.0
    assert data.load_digits(flat=False, one_hot=True).y_test.shape == (297, 10)


def test_digits_read_from_the_file_as_sklearn_loads_them(monkeypatch):
    from sklearn.datasets import load_digits

    bunch = load_digits()
    images, labels = data.sklearn_digits()
    np.testing.assert_array_equal(images, bunch.images)
    np.testing.assert_array_equal(labels, bunch.target)
    monkeypatch.setattr(data.importlib.util, "find_spec", lambda name: None)  # the file not found: sklearn's loader
    fallback_images, fallback_labels = data.sklearn_digits()
    np.testing.assert_array_equal(fallback_images, bunch.images)
    np.testing.assert_array_equal(fallback_labels, bunch.target)


@pytest.mark.slow
def test_mnist_as_published(mnist):
    assert mnist.X_train.shape == (60000, 784) and mnist.X_test.shape == (10000, 784)
    assert np.bincount(mnist.y_train).tolist() == [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
    assert mnist.X_train.dtype == np.float32 and mnist.X_train.max() == 1.0


@pytest.mark.slow
def test_fashion_mnist_as_published(fashion_mnist):
    assert fashion_mnist.X_train.shape == (60000, 784) and fashion_mnist.X_test.shape == (10000, 784)
    assert np.bincount(fashion_mnist.y_train).tolist() == [6000] * 10
