"""load_word_vectors / save_word_vectors on vectors files written by the tests."""

import tracemalloc

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.pipeline import make_pipeline

from sklearn_rnn import ScratchRNNClassifier
from sklearn_rnn.text import SequenceVectorizer, load_word_vectors, save_word_vectors

VECTORS = {"good": [1.0, 0.5, -2.0], "bad": [-1.0, 0.25, 3.0], "the": [0.0, 0.0, 1.5]}
LINES = [f"{word} {' '.join(map(str, v))}" for word, v in VECTORS.items()]


def write(tmp_path, lines, header=True, ending="\n", name="vectors.txt"):
    path = tmp_path / name
    head = [f"{len(lines)} 3"] if header else []
    path.write_bytes(ending.join(head + lines).encode("utf-8") + ending.encode())
    return path


def expected_random_rows(n_rows, seed):
    known = np.array(list(VECTORS.values()))
    return np.random.RandomState(seed).normal(0.0, known.std(), size=(n_rows, 3))


@pytest.mark.parametrize("header", [True, False], ids=["word2vec", "glove"])
def test_rows_are_aligned_to_the_ids_and_unknown_rows_documented(tmp_path, header):
    path = write(tmp_path, LINES, header=header)
    vocabulary = {"bad": 2, "film": 3, "good": 4, "the": 6}  # id 5: no term
    table, found = load_word_vectors(path, vocabulary, dtype=np.float64, random_state=7)
    assert table.shape == (7, 3)
    assert_array_equal(found, [False, False, True, False, True, False, True])
    for word, token_id in vocabulary.items():
        if word in VECTORS:
            assert_array_equal(table[token_id], VECTORS[word])
    assert_array_equal(table[0], np.zeros(3))  # padding
    random_rows = expected_random_rows(7, seed=7)
    for token_id in (1, 3, 5):  # out-of-vocabulary, "film", no term
        assert_array_equal(table[token_id], random_rows[token_id])


def test_a_fitted_vectorizers_vocabulary_gives_each_id_its_words_vector(tmp_path):
    vec = SequenceVectorizer().fit(["the good film", "the bad film", "good"])
    table, found = load_word_vectors(write(tmp_path, LINES), vec.vocabulary_)
    words = vec.get_vocabulary()
    assert table.dtype == np.float32 and len(table) == vec.n_tokens_
    for token_id in np.flatnonzero(found):
        assert_array_equal(table[token_id], np.float32(VECTORS[words[token_id]]))
    assert sorted(words[found]) == ["bad", "good", "the"]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_save_then_load_is_exact_and_keeps_terms_with_spaces(tmp_path, dtype):
    terms = ["good", "not good", "very very bad", "é"]
    table = np.random.RandomState(0).randn(6, 4).astype(dtype) * 1e-3
    save_word_vectors(tmp_path / "v.txt", table, terms)
    lines = (tmp_path / "v.txt").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "4 4" and lines[2].startswith("not good ")
    loaded, found = load_word_vectors(tmp_path / "v.txt", terms, dtype=dtype)
    assert_array_equal(loaded[2:], table[2:])
    assert found.tolist() == [False, False, True, True, True, True]


def test_trailing_spaces_crlf_and_a_byte_order_mark_are_read(tmp_path):
    lines = [line + " " for line in LINES]  # word2vec's C tool ends lines so
    path = write(tmp_path, lines, ending="\r\n")
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    table, found = load_word_vectors(path, ["good"], dtype=np.float64)
    assert_array_equal(table[2], VECTORS["good"])


def test_the_first_line_of_a_repeated_word_counts(tmp_path):
    path = write(tmp_path, [*LINES, "good 9 9 9"])
    assert_array_equal(load_word_vectors(path, ["good"])[0][2], VECTORS["good"])


def test_a_large_file_is_streamed_and_only_vocabulary_lines_are_parsed(tmp_path):
    filler = [f"w{i} {' '.join(['x'] * 3)}" for i in range(100_000)]  # 1.4 MB
    path = write(tmp_path, [*filler[:50_000], LINES[0], *filler[50_000:]])
    tracemalloc.start()
    try:
        table, found = load_word_vectors(path, ["good", "absent"])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 200_000 < path.stat().st_size
    assert found.tolist() == [False, False, True, False]


@pytest.mark.parametrize(
    "lines, line, message",
    [
        ([LINES[0], "bad 1.0 2.0", LINES[2]], 3, "expected a word and 3 numbers; got"),
        ([LINES[0], "the 1.0 x 2.0"], 3, "the vector of 'the' is not 3 finite"),
        ([LINES[0], "the 1.0 nan 2.0"], 3, "the vector of 'the' is not 3 finite"),
        ([LINES[0], "", LINES[1]], 3, "expected a word and 3 numbers; got 0"),
    ],
)
def test_malformed_lines_are_named(tmp_path, lines, line, message):
    path = write(tmp_path, lines)
    with pytest.raises(ValueError, match=f"line {line}: {message}"):
        load_word_vectors(path, ["good", "bad", "the"])


def test_a_line_that_is_not_utf8_is_named(tmp_path):
    path = write(tmp_path, LINES)
    path.write_bytes(path.read_bytes() + b"caf\xe9 1 2 3\n")
    with pytest.raises(ValueError, match="line 5, is not utf-8 text"):
        load_word_vectors(path, ["good"])


def test_a_header_that_miscounts_the_words_is_refused(tmp_path):
    path = tmp_path / "v.txt"
    path.write_text("5 3\n" + "\n".join(LINES) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match="announces 5 words, but the file has 3"):
        load_word_vectors(path, ["good"])


def test_a_file_without_any_vocabulary_word_is_refused(tmp_path):
    with pytest.raises(ValueError, match="None of the 2 terms of the vocabulary"):
        load_word_vectors(write(tmp_path, LINES), ["Good", "BAD"])
    (tmp_path / "empty.txt").write_text("")
    with pytest.raises(ValueError, match="empty"):
        load_word_vectors(tmp_path / "empty.txt", ["good"])


@pytest.mark.parametrize(
    "vocabulary, error, message",
    [
        ({"good": 0}, ValueError, "gives 'good' the id 0; token ids of terms start"),
        ({"good": 2, "bad": 2}, ValueError, "the same id to several terms"),
        (["good", "good"], ValueError, "holds the term 'good' twice"),
        ([], ValueError, "vocabulary is empty"),
        ("good", TypeError, "vocabulary must be a mapping"),
    ],
)
def test_invalid_vocabularies_are_named(tmp_path, vocabulary, error, message):
    with pytest.raises(error, match=message):
        load_word_vectors(write(tmp_path, LINES), vocabulary)


@pytest.mark.parametrize(
    "table, terms, message",
    [
        (np.zeros((4, 2)), ["a", "b\nc"], r"the term 'b\\nc'"),
        (np.zeros((4, 2)), ["a", " b"], "leading or trailing whitespace"),
        (np.zeros((3, 2)), ["a", "b"], "embeddings has 3 rows, but vocabulary"),
        (np.zeros(4), ["a"], "embeddings must be a 2-D array"),
    ],
)
def test_save_refuses_what_a_vectors_file_cannot_hold(tmp_path, table, terms, message):
    with pytest.raises(ValueError, match=message):
        save_word_vectors(tmp_path / "v.txt", table, terms)
    assert not (tmp_path / "v.txt").exists()


def test_vectors_initialise_a_pipeline_aligned_to_a_fixed_vocabulary(tmp_path):
    terms = list(VECTORS)
    table, _ = load_word_vectors(write(tmp_path, LINES), terms, random_state=0)
    docs = ["good film", "bad film", "the good", "the bad"] * 10
    pipe = make_pipeline(
        SequenceVectorizer(vocabulary=terms),
        ScratchRNNClassifier(
            embedding_dim=3,
            embeddings=table,
            freeze_embeddings=True,
            hidden_size=4,
            max_iter=30,
            learning_rate_init=0.05,
            random_state=0,
        ),
    ).fit(docs, [1, 0, 1, 0] * 10)
    assert pipe.score(docs, [1, 0, 1, 0] * 10) == 1.0
    assert_array_equal(pipe[-1].network_.params[0], table)
