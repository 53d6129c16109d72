"""Data sets: the course's synthetic sequence tasks and the IMDB movie reviews."""

from ._imdb import fetch_imdb
from ._synthetic import (
    decode_bits,
    encode_binary_addition,
    make_binary_addition,
    make_count_ones,
)
from ._ucr import fetch_ucr

__all__ = [
    "decode_bits",
    "encode_binary_addition",
    "fetch_imdb",
    "fetch_ucr",
    "make_binary_addition",
    "make_count_ones",
]
