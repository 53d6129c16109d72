"""Text to token-id sequence transformers, and word vectors aligned to the ids."""

from ._hashing_sequence_vectorizer import HashingSequenceVectorizer
from ._preprocessing import strip_html
from ._sequence_vectorizer import SequenceVectorizer
from ._sequences import pad_sequences
from ._word_vectors import load_word_vectors, save_word_vectors

__all__ = [
    "HashingSequenceVectorizer",
    "SequenceVectorizer",
    "load_word_vectors",
    "pad_sequences",
    "save_word_vectors",
    "strip_html",
]
