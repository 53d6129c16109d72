"""Data sets: the course's synthetic sequence tasks and the IMDB movie reviews."""

from ._imdb import fetch_imdb

__all__ = ["fetch_imdb"]
