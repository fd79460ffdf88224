"""MNIST, Fashion-MNIST and scikit-learn's 8x8 digits, cached and verified.

Files are cached decompressed in ``data_cache/<dataset>/`` (``KATA_DATA_DIR``
overrides the folder). Every load checks the SHA-256 of each decompressed IDX
payload, so a corrupt or truncated cached file is fetched again and replaced.
A missing file is looked for, in turn, as ``<name>.gz`` in the cache folder
itself (a manual download), in the user's mirror (``KATA_DATA_MIRROR``: a
folder or URL laid out as ``<mirror>/<dataset>/<name>.gz``), then on the
dataset's canonical mirrors. Downloads go to memory, are decompressed and
verified there, and only then written, atomically, to the cache.

Any number of processes (pytest-xdist workers, a ``kata train`` beside a test
run) may load, repair and fetch the same files at once: a bad cached file is
never deleted, only replaced atomically by a verified one, and a load parses
the very bytes it verified, so nothing another process does in between can
make it fail. Faults of the machine rather than of the data (a cache folder
that cannot be written, a full disk, a ``KATA_DATA_MIRROR`` folder that does
not exist, a mirror that does not answer) are found before a download starts
or as soon as they happen, and raised as ``DataUnavailableError`` with one
paragraph saying what is wrong and how to fix it.
"""

from __future__ import annotations

import errno
import gzip
import hashlib
import importlib.util
import logging
import os
import shutil
import tempfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
from numpy.typing import NDArray

from .idx import IDXFormatError, parse_idx

if TYPE_CHECKING:
    import requests

log = logging.getLogger(__name__)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
FILES = (
    "train-images-idx3-ubyte",
    "train-labels-idx1-ubyte",
    "t10k-images-idx3-ubyte",
    "t10k-labels-idx1-ubyte",
)
CONNECT_TIMEOUT = 5.0  # seconds to reach a mirror before giving that host up
READ_TIMEOUT = 15.0  # seconds a mirror may stay silent, before or during a transfer
SPACE_NEEDED = 64 * 2**20  # bytes: a dataset's four decompressed files (55 MiB) and a margin


@dataclass(frozen=True)
class DatasetSpec:
    """Where a dataset comes from and what its decompressed files must hash to."""

    name: str
    title: str
    mirrors: tuple[str, ...]
    sha256: dict[str, str] = field(repr=False)
    class_names: tuple[str, ...]


DATASETS: dict[str, DatasetSpec] = {
    "mnist": DatasetSpec(
        name="mnist",
        title="MNIST",
        mirrors=(
            "https://ossci-datasets.s3.amazonaws.com/mnist/",
            "https://storage.googleapis.com/cvdf-datasets/mnist/",
            "http://yann.lecun.com/exdb/mnist/",
        ),
        sha256={
            "train-images-idx3-ubyte": "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
            "train-labels-idx1-ubyte": "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
            "t10k-images-idx3-ubyte": "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
            "t10k-labels-idx1-ubyte": "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
        },
        class_names=tuple(str(digit) for digit in range(10)),
    ),
    "fashion-mnist": DatasetSpec(
        name="fashion-mnist",
        title="Fashion-MNIST",
        mirrors=(
            "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
            "https://github.com/zalandoresearch/fashion-mnist/raw/master/data/fashion/",
        ),
        sha256={
            "train-images-idx3-ubyte": "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
            "train-labels-idx1-ubyte": "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
            "t10k-images-idx3-ubyte": "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
            "t10k-labels-idx1-ubyte": "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
        },
        class_names=(
            "T-shirt/top",
            "Trouser",
            "Pullover",
            "Dress",
            "Coat",
            "Sandal",
            "Shirt",
            "Sneaker",
            "Bag",
            "Ankle boot",
        ),
    ),
}


class Dataset(NamedTuple):
    """Train and test splits. Images are float32 in [0, 1]; labels are int64
    class indices, or float32 one-hot rows when ``one_hot=True``."""

    X_train: NDArray[np.float32]
    y_train: NDArray[np.int64] | NDArray[np.float32]
    X_test: NDArray[np.float32]
    y_test: NDArray[np.int64] | NDArray[np.float32]


class DataUnavailableError(RuntimeError):
    """A dataset file is neither cached nor obtainable from any source."""


def cache_dir() -> Path:
    """The cache folder: ``$KATA_DATA_DIR`` if set, else ``data_cache/`` in the project."""
    return Path(os.environ.get("KATA_DATA_DIR") or PROJECT_ROOT / "data_cache")


def user_mirror() -> str | None:
    """The user's mirror (``$KATA_DATA_MIRROR``), a folder or a URL, or None."""
    return os.environ.get("KATA_DATA_MIRROR") or None


def sources_for(spec: DatasetSpec, folder: Path, mirror: str | None) -> list[str]:
    """Where a missing file of ``spec`` is looked for, in order: folders or base URLs
    that hold ``<name>.gz`` directly."""
    sources = [str(folder)]
    if mirror:
        sources.append(f"{mirror.rstrip('/')}/{spec.name}/" if _is_url(mirror) else str(Path(mirror) / spec.name))
    sources.extend(spec.mirrors)
    return sources


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def fetch(
    dataset: str,
    *,
    folder: Path | None = None,
    sources: Sequence[str] | None = None,
    progress: bool = True,
) -> dict[str, Path]:
    """Make sure every file of ``dataset`` is cached and verified; return their paths.

    ``folder`` defaults to ``cache_dir() / dataset`` and ``sources`` to
    ``sources_for(...)`` with the user's mirror. Raises ``DataUnavailableError``
    naming the missing files, every source tried and why it failed, or what
    is wrong with the cache folder or the mirror and how to fix it.
    """
    return {name: path for name, (path, _) in fetch_payloads(dataset, folder, sources, progress).items()}


def fetch_payloads(
    dataset: str, folder: Path | None = None, sources: Sequence[str] | None = None, progress: bool = True
) -> dict[str, tuple[Path, bytes]]:
    """As ``fetch``, with each file's verified decompressed bytes: ``{name: (path, payload)}``.

    A caller parses these bytes rather than reading the file again, so another
    process replacing the file in between cannot hand it anything unverified.
    """
    spec = DATASETS[dataset]
    folder = folder or cache_dir() / spec.name
    found: dict[str, tuple[Path, bytes]] = {}
    for name in FILES:
        payload = _cached_payload(folder / name, spec.sha256[name])
        if payload is not None:
            found[name] = (folder / name, payload)
    needed = [name for name in FILES if name not in found]
    if not needed:
        return found
    _check_writable(spec, folder)
    if sources is None:
        mirror = user_mirror()
        _check_mirror(spec, mirror)
        sources = sources_for(spec, folder, mirror)
    failures: list[str] = []
    missing: list[str] = []
    dead_hosts: set[str] = set()
    for name in needed:
        payload = _fetch_payload(name, spec.sha256[name], sources, progress, failures, dead_hosts)
        if payload is None:
            missing.append(name)
            continue
        try:
            write_atomically(folder / name, payload)
        except OSError as error:
            raise DataUnavailableError(_cache_message(spec, folder, error)) from None
        found[name] = (folder / name, payload)
    if missing:
        raise DataUnavailableError(_unavailable_message(spec, folder, missing, failures))
    return {name: found[name] for name in FILES}


def verify(dataset: str, *, folder: Path | None = None) -> dict[str, str]:
    """Check the cached files of ``dataset`` without fetching anything.

    Returns ``{file name: "ok" | "missing" | "corrupt" | "unreadable"}``; nothing is changed.
    """
    spec = DATASETS[dataset]
    folder = folder or cache_dir() / spec.name
    status: dict[str, str] = {}
    for name in FILES:
        try:
            payload = (folder / name).read_bytes()
        except FileNotFoundError:
            status[name] = "missing"
        except OSError:
            status[name] = "unreadable"
        else:
            status[name] = "ok" if sha256_hex(payload) == spec.sha256[name] else "corrupt"
    return status


def available_offline(dataset: str) -> bool:
    """True when every file of ``dataset`` is in the cache folder, or as ``<name>.gz`` there or in
    a ``KATA_DATA_MIRROR`` folder: a load needs no network. Looks at names only (no hashing)."""
    spec = DATASETS[dataset]
    mirror = user_mirror()
    places = [cache_dir() / spec.name] + ([Path(mirror) / spec.name] if mirror and not _is_url(mirror) else [])
    return all(
        (places[0] / name).is_file() or any((place / f"{name}.gz").is_file() for place in places) for name in FILES
    )


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see either no file (or the old one) or all of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def load_mnist(
    *,
    flat: bool = True,
    one_hot: bool = False,
    n_train: int | None = None,
    n_test: int | None = None,
    progress: bool = True,
) -> Dataset:
    """MNIST handwritten digits: 60,000 train and 10,000 test images, as published.

    Args:
        flat: ``(N, 784)`` images when True, else channels-last ``(N, 28, 28, 1)``.
        one_hot: labels as float32 one-hot rows ``(N, 10)`` instead of int64 ``(N,)``.
        n_train, n_test: keep only the first ``n`` examples of each split.
        progress: show a progress bar while downloading.
    """
    return load_idx_dataset("mnist", flat=flat, one_hot=one_hot, n_train=n_train, n_test=n_test, progress=progress)


def load_fashion_mnist(
    *,
    flat: bool = True,
    one_hot: bool = False,
    n_train: int | None = None,
    n_test: int | None = None,
    progress: bool = True,
) -> Dataset:
    """Fashion-MNIST (Zalando): 60,000 train and 10,000 test 28x28 clothing images,
    10 classes (``DATASETS["fashion-mnist"].class_names``). Options as ``load_mnist``."""
    return load_idx_dataset(
        "fashion-mnist", flat=flat, one_hot=one_hot, n_train=n_train, n_test=n_test, progress=progress
    )


def load_idx_dataset(
    dataset: str,
    *,
    flat: bool = True,
    one_hot: bool = False,
    n_train: int | None = None,
    n_test: int | None = None,
    progress: bool = True,
) -> Dataset:
    """Load an IDX dataset of ``DATASETS`` by name; see ``load_mnist`` for the options."""
    payloads = fetch_payloads(dataset, progress=progress)
    splits = []
    for split, limit, arg in (("train", n_train, "n_train"), ("t10k", n_test, "n_test")):
        images = parse_idx(payloads[f"{split}-images-idx3-ubyte"][1])
        labels = parse_idx(payloads[f"{split}-labels-idx1-ubyte"][1])
        keep = _subset_size(arg, limit, len(labels))
        splits.append(_prepare(images[:keep], labels[:keep], flat=flat, one_hot=one_hot, n_classes=10))
    (X_train, y_train), (X_test, y_test) = splits
    return Dataset(X_train, y_train, X_test, y_test)


def load_digits(*, flat: bool = True, one_hot: bool = False, n_test: int = 297) -> Dataset:
    """scikit-learn's bundled 8x8 digits (1,797 images, offline): a tiny dataset for fast tests.

    Pixels (0..16) are scaled to [0, 1]; the last ``n_test`` images form the test
    split. ``flat`` gives ``(N, 64)``, else ``(N, 8, 8, 1)``; ``one_hot`` as ``load_mnist``.
    """
    images, labels = sklearn_digits()
    images = images.astype(np.float32) / np.float32(16.0)
    keep = len(labels) - _subset_size("n_test", n_test, len(labels))
    train = _prepare(images[:keep], labels[:keep], flat=flat, one_hot=one_hot, n_classes=10, scale=1.0)
    test = _prepare(images[keep:], labels[keep:], flat=flat, one_hot=one_hot, n_classes=10, scale=1.0)
    return Dataset(train[0], train[1], test[0], test[1])


def sklearn_digits() -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """The (1797, 8, 8) images (0..16) and labels of scikit-learn's bundled ``digits.csv.gz`` (a
    row of 64 pixels and the label per image), read from the file: importing
    ``sklearn.datasets`` to load it takes 0.7 s, the file 7 ms. Should a release of scikit-learn
    move the file, its own loader is used."""
    spec = importlib.util.find_spec("sklearn")
    path = Path(spec.origin).parent / "datasets" / "data" / "digits.csv.gz" if spec and spec.origin else None
    if path is None or not path.is_file():
        from sklearn.datasets import load_digits as load_with_sklearn

        bunch = load_with_sklearn()
        return np.asarray(bunch.images, dtype=np.float64), np.asarray(bunch.target, dtype=np.int64)
    table = np.loadtxt(path, delimiter=",")
    return table[:, :-1].reshape(-1, 8, 8), table[:, -1].astype(np.int64)


def _prepare(
    images: NDArray[np.generic],
    labels: NDArray[np.generic],
    *,
    flat: bool,
    one_hot: bool,
    n_classes: int,
    scale: float = 255.0,
) -> tuple[NDArray[np.float32], NDArray[np.int64] | NDArray[np.float32]]:
    X = images.astype(np.float32) / np.float32(scale)
    X = X.reshape(len(X), -1) if flat else X.reshape(*X.shape, 1)
    y = labels.astype(np.int64)
    if one_hot:
        return X, np.eye(n_classes, dtype=np.float32)[y]
    return X, y


def _subset_size(arg: str, limit: int | None, available: int) -> int:
    if limit is None:
        return available
    if not 0 < limit <= available:
        raise ValueError(f"{arg} must be between 1 and {available}; got {limit}")
    return limit


def _is_url(source: str) -> bool:
    return source.startswith(("http://", "https://"))


def _cached_payload(path: Path, sha256: str) -> bytes | None:
    """The bytes of the cached file at ``path`` if they hash to ``sha256``, else None.

    A corrupt file is left where it is: the verified download replaces it atomically,
    and deleting it here could delete the good copy another process has just written.
    """
    try:
        payload = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as error:
        log.warning("cannot read %s (%s): fetching it again", path, error.strerror or error)
        return None
    if sha256_hex(payload) == sha256:
        return payload
    log.warning("%s failed its SHA-256 check (corrupt or truncated): fetching it again", path)
    return None


def _check_writable(spec: DatasetSpec, folder: Path) -> None:
    """Raise ``DataUnavailableError`` if files cannot be written into ``folder`` or its disk is nearly full."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        descriptor, probe = tempfile.mkstemp(dir=folder, prefix=".write-test-")
        os.close(descriptor)
        os.unlink(probe)
        free = shutil.disk_usage(folder).free
    except OSError as error:
        raise DataUnavailableError(_cache_message(spec, folder, error)) from None
    if free < SPACE_NEEDED:
        raise DataUnavailableError(
            f"The disk holding the data cache {folder} has {free / 2**20:.0f} MiB free; {spec.title} needs about "
            f"{SPACE_NEEDED // 2**20} MiB. Free some space, or set KATA_DATA_DIR to a folder on another disk "
            "(for example export KATA_DATA_DIR=/path/with/space) and run the command again."
        )


def _check_mirror(spec: DatasetSpec, mirror: str | None) -> None:
    """Raise ``DataUnavailableError`` if ``KATA_DATA_MIRROR`` names a folder that does not exist."""
    if mirror and not _is_url(mirror) and not Path(mirror).is_dir():
        raise DataUnavailableError(
            f"KATA_DATA_MIRROR is set to {mirror}, which is not a folder here, so {spec.title} cannot be "
            f"copied from it. Point it at the folder that holds {spec.name}/<file>.gz (or at a URL), or unset it "
            "to download from the dataset's own mirrors."
        )


def _cache_message(spec: DatasetSpec, folder: Path, error: OSError) -> str:
    reason = error.strerror or type(error).__name__
    if error.errno == errno.ENOSPC:
        return (
            f"The disk holding the data cache {folder} is full ({reason}) while saving {spec.title}. Free some "
            "space, or set KATA_DATA_DIR to a folder on another disk (for example export KATA_DATA_DIR=/path/with/"
            "space) and run the command again."
        )
    return (
        f"Cannot save {spec.title} in the data cache {folder} ({reason}). Set KATA_DATA_DIR to a folder you can "
        f"write to (for example export KATA_DATA_DIR=$HOME/kata-data), or make {folder} writable, and run the "
        "command again."
    )


def _fetch_payload(
    name: str,
    sha256: str,
    sources: Sequence[str],
    progress: bool,
    failures: list[str],
    dead_hosts: set[str],
) -> bytes | None:
    """The verified decompressed payload of ``name`` from the first source that has it."""
    import requests  # here, not at the top: requests and pooch cost every process 0.1 s, and only a fetch needs them

    for source in sources:
        location = f"{source.rstrip('/')}/{name}.gz" if _is_url(source) else str(Path(source) / f"{name}.gz")
        host = location.split("/")[2] if _is_url(location) else None
        if host in dead_hosts:
            continue
        try:
            compressed = _download(location, progress) if _is_url(location) else Path(location).read_bytes()
            payload = gzip.decompress(compressed)
        except FileNotFoundError:
            failures.append(f"{location}: not found")
            continue
        except requests.HTTPError as error:
            failures.append(f"{location}: HTTP {error.response.status_code if error.response is not None else '?'}")
            continue
        except (requests.ConnectionError, requests.Timeout) as error:
            if host is not None:
                dead_hosts.add(host)
            failures.append(f"{location}: {_network_failure(error)}")
            continue
        except (requests.RequestException, OSError, EOFError, zlib.error) as error:
            failures.append(f"{location}: transfer or gzip failed ({type(error).__name__}: {error})")
            continue
        if sha256_hex(payload) != sha256:
            failures.append(f"{location}: SHA-256 of the decompressed file does not match")
            continue
        try:
            parse_idx(payload)
        except IDXFormatError as error:  # pragma: no cover - a matching hash implies a valid file
            failures.append(f"{location}: {error}")
            continue
        return payload
    return None


def _network_failure(error: requests.RequestException) -> str:
    """What went wrong with a host, in a few words: refused, silent, or stalled."""
    import requests  # here, not at the top (see _fetch_payload)

    if isinstance(error, requests.ConnectTimeout):
        return f"could not connect within {CONNECT_TIMEOUT:g} s"
    if isinstance(error, requests.ReadTimeout):
        return f"connected, but did not answer within {READ_TIMEOUT:g} s"
    if "Read timed out" in str(error):  # requests reports a stall mid-transfer as a ConnectionError
        return f"stopped sending for {READ_TIMEOUT:g} s"
    return f"could not connect ({type(error).__name__})"


def _download(url: str, progress: bool) -> bytes:
    import pooch  # here, not at the top (see _fetch_payload)

    buffer = BytesIO()
    timeout = (CONNECT_TIMEOUT, READ_TIMEOUT)
    downloader = pooch.HTTPDownloader(progressbar=progress, chunk_size=1 << 16, timeout=timeout)
    log.info("downloading %s", url)
    downloader(url, buffer, None)
    return buffer.getvalue()


def _unavailable_message(spec: DatasetSpec, folder: Path, missing: list[str], failures: list[str]) -> str:
    tried = "\n".join(f"  - {failure}" for failure in failures) or "  (no sources)"
    return (
        f"{spec.title} is not available: {len(missing)} file(s) missing from {folder}: {', '.join(missing)}\n"
        f"Tried:\n{tried}\n"
        "To fix it, do one of:\n"
        f"  - set KATA_DATA_MIRROR to a folder or URL laid out as <mirror>/{spec.name}/<file>.gz;\n"
        f"  - download the missing <file>.gz by hand (from one of the URLs above) into {folder}/;\n"
        "  - set KATA_DATA_DIR to a folder that already holds the dataset."
    )
