"""Data sets: the course's synthetic sequence tasks and the IMDB movie reviews."""

from ._imdb import fetch_imdb
from ._synthetic import decode_bits, encode_binary_addition, make_binary_addition, make_count_ones

__all__ = ["decode_bits", "encode_binary_addition", "fetch_imdb", "make_binary_addition",
           "make_count_ones"]
