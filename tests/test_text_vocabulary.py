"""``SequenceVectorizer(vocabulary=...)``: a fixed vocabulary, as CountVectorizer's."""

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.feature_extraction.text import CountVectorizer

from sklearn_rnn.text import SequenceVectorizer

DOCS = ["the cat sat on the mat", "the dog sat", "a dog and a cat"]
OTHER_DOCS = ["birds fly", "fish swim and swim"]


def test_a_list_gives_ids_from_2_in_its_order():
    vec = SequenceVectorizer(vocabulary=["sat", "cat", "the"], maxlen=4)
    assert_array_equal(
        vec.fit_transform(DOCS), [[2, 1, 4, 1], [0, 4, 1, 2], [0, 1, 1, 3]]
    )
    assert vec.vocabulary_ == {"sat": 2, "cat": 3, "the": 4}
    assert vec.n_tokens_ == 5
    assert vec.get_vocabulary().tolist() == ["<pad>", "<oov>", "sat", "cat", "the"]


def test_a_mapping_holds_countvectorizers_indices_shifted_by_2():
    mapping = {"dog": 1, "the": 0, "mat": 2}
    vec = SequenceVectorizer(vocabulary=mapping).fit(DOCS)
    counter = CountVectorizer(vocabulary=mapping).fit(DOCS)
    assert vec.vocabulary_ == {term: index + 2 for term, index in mapping.items()}
    assert {t: i - 2 for t, i in vec.vocabulary_.items()} == counter.vocabulary_
    assert_array_equal(vec.transform(["the dog ate the mat"]), [[0, 2, 3, 1, 2, 4]])


def test_a_set_is_sorted_as_countvectorizer_sorts_it():
    vec = SequenceVectorizer(vocabulary={"the", "cat", "dog"}).fit(DOCS)
    assert vec.vocabulary_ == {"cat": 2, "dog": 3, "the": 4}


def test_fit_learns_no_vocabulary_and_ignores_the_selection_parameters():
    vec = SequenceVectorizer(
        vocabulary=["cat", "dog"], max_features=1, min_df=2, max_df=0.1
    )
    first = vec.fit(DOCS).vocabulary_
    assert vec.fit(OTHER_DOCS).vocabulary_ == first == {"cat": 2, "dog": 3}
    assert vec.maxlen_ == 4  # the longest of OTHER_DOCS, in tokens


def test_ngram_terms_are_looked_up_as_the_analyzer_forms_them():
    vec = SequenceVectorizer(vocabulary=["the cat", "cat"], ngram_range=(1, 2))
    # unigrams first (the cat sat), then bigrams (the cat, cat sat)
    assert_array_equal(vec.fit_transform(["the cat sat"]), [[1, 3, 1, 2, 1]])


def test_a_fitted_vocabulary_is_reused_through_get_vocabulary():
    fitted = SequenceVectorizer(maxlen=6).fit(DOCS)
    again = SequenceVectorizer(vocabulary=fitted.get_vocabulary()[2:], maxlen=6)
    assert again.fit(OTHER_DOCS).vocabulary_ == fitted.vocabulary_
    assert_array_equal(again.transform(DOCS), fitted.transform(DOCS))


@pytest.mark.parametrize(
    "vocabulary, message",
    [
        (["cat", "dog", "cat"], "Duplicate term in vocabulary: 'cat'"),
        ({"cat": 0, "dog": 0}, "Vocabulary contains repeated indices"),
        ({"cat": 0, "dog": 2}, "Vocabulary of size 2 doesn't contain index 1"),
        ([], "empty vocabulary passed to fit"),
    ],
)
def test_invalid_vocabularies_are_refused_as_countvectorizer_refuses_them(
    vocabulary, message
):
    vec = SequenceVectorizer(vocabulary=vocabulary)
    with pytest.raises(ValueError, match=f"Invalid vocabulary: {message}"):
        vec.fit(DOCS)
    assert not hasattr(vec, "vocabulary_")


def test_a_fitted_vocabulary_mapping_passed_as_is_gets_the_way_to_reuse_it():
    fitted = SequenceVectorizer().fit(DOCS)
    with pytest.raises(ValueError, match=r"doesn't contain index 0.*get_vocabulary"):
        SequenceVectorizer(vocabulary=fitted.vocabulary_).fit(DOCS)


def test_the_output_dtype_is_checked_against_the_fixed_vocabulary():
    terms = [f"w{i}" for i in range(200)]
    vec = SequenceVectorizer(vocabulary=terms, dtype=np.int8)
    with pytest.raises(ValueError, match="largest id is 201 .200 vocabulary tokens"):
        vec.fit(DOCS)
    assert not hasattr(vec, "vocabulary_")
