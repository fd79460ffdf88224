"""Parse the IDX binary format used by MNIST and Fashion-MNIST.

An IDX file is a big-endian header followed by the data in C order:

    bytes 0-1   two zero bytes
    byte  2     the element type (0x08 = unsigned byte, see ``IDX_TYPES``)
    byte  3     the number of dimensions d
    then        d sizes, each a 4-byte big-endian unsigned integer
    then        prod(sizes) elements of the element type
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

IDX_TYPES: dict[int, np.dtype[np.generic]] = {
    0x08: np.dtype(np.uint8),
    0x09: np.dtype(np.int8),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}


class IDXFormatError(ValueError):
    """The bytes are not a well-formed IDX file."""


def parse_idx(data: bytes) -> NDArray[np.generic]:
    """Return the array stored in the IDX bytes ``data`` (a read-only view).

    Raises ``IDXFormatError`` when the header is malformed or when the payload
    is shorter or longer than the header's sizes promise.
    """
    if len(data) < 4:
        raise IDXFormatError(f"IDX data must start with a 4-byte magic number; got {len(data)} bytes")
    if data[0] != 0 or data[1] != 0:
        raise IDXFormatError(f"IDX magic number must start with two zero bytes; got {data[:2].hex()}")
    type_code, ndim = data[2], data[3]
    if type_code not in IDX_TYPES:
        known = ", ".join(f"0x{code:02X}" for code in IDX_TYPES)
        raise IDXFormatError(f"unknown IDX element type 0x{type_code:02X} (known: {known})")
    if ndim == 0:
        raise IDXFormatError("IDX header declares 0 dimensions")
    header_size = 4 + 4 * ndim
    if len(data) < header_size:
        raise IDXFormatError(f"IDX header declares {ndim} dimensions but the data ends after {len(data)} bytes")
    shape = tuple(int(size) for size in np.frombuffer(data, dtype=">u4", count=ndim, offset=4))
    dtype = IDX_TYPES[type_code]
    expected = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    actual = len(data) - header_size
    if actual != expected:
        raise IDXFormatError(
            f"IDX header declares shape {shape} ({expected} bytes of {dtype}) but the payload has {actual} bytes"
        )
    return np.frombuffer(data, dtype=dtype, offset=header_size).reshape(shape)
