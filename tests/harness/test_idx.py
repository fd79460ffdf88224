"""The IDX parser on well-formed and malformed files."""

import numpy as np
import pytest

from kata.idx import IDXFormatError, parse_idx


def header(type_code, *shape):
    return bytes([0, 0, type_code, len(shape)]) + b"".join(size.to_bytes(4, "big") for size in shape)


def test_parses_unsigned_bytes_in_c_order():
    array = parse_idx(header(0x08, 2, 3) + bytes(range(6)))
    assert array.dtype == np.uint8
    np.testing.assert_array_equal(array, [[0, 1, 2], [3, 4, 5]])


def test_parses_big_endian_floats():
    values = np.array([1.5, -2.0], dtype=">f4")
    np.testing.assert_array_equal(parse_idx(header(0x0D, 2) + values.tobytes()), [1.5, -2.0])


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x00\x00", "4-byte magic"),
        (b"\x01\x00\x08\x01" + (1).to_bytes(4, "big") + b"\x00", "two zero bytes"),
        (header(0x07, 1) + b"\x00", "unknown IDX element type 0x07"),
        (b"\x00\x00\x08\x00", "0 dimensions"),
        (b"\x00\x00\x08\x03" + (1).to_bytes(4, "big"), "declares 3 dimensions"),
        (header(0x08, 2, 3) + bytes(5), r"shape \(2, 3\).*payload has 5 bytes"),
        (header(0x08, 2) + bytes(3), "payload has 3 bytes"),
    ],
    ids=["short", "magic", "type", "no-dims", "short-header", "truncated", "trailing"],
)
def test_rejects_malformed_files(data, message):
    with pytest.raises(IDXFormatError, match=message):
        parse_idx(data)
