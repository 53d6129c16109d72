"""Text to token-id sequence transformers."""

from ._hashing_sequence_vectorizer import HashingSequenceVectorizer
from ._preprocessing import strip_html
from ._sequence_vectorizer import SequenceVectorizer
from ._sequences import pad_sequences

__all__ = [
    "HashingSequenceVectorizer",
    "SequenceVectorizer",
    "pad_sequences",
    "strip_html",
]
