"""Data sets: the course's synthetic tasks, IMDB reviews and UCR/UEA time series."""

from ._imdb import fetch_imdb
from ._imdb_cache import CorruptFileError
from ._synthetic import (
    decode_bits,
    encode_binary_addition,
    make_binary_addition,
    make_count_ones,
)
from ._ucr import fetch_ucr

__all__ = [
    "CorruptFileError",
    "decode_bits",
    "encode_binary_addition",
    "fetch_imdb",
    "fetch_ucr",
    "make_binary_addition",
    "make_count_ones",
]
