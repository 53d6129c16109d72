"""Tests of sklearn_rnn.text: the sequence vectorizers and strip_html
(pad_sequences: ``test_text_padding.py``)."""

import io
import pickle
from functools import partial

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.feature_extraction.text import CountVectorizer, HashingVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.utils import estimator_checks
from sklearn.utils._param_validation import InvalidParameterError
from sklearn.utils._tags import get_tags

from sklearn_rnn.text import (
    HashingSequenceVectorizer,
    SequenceVectorizer,
    strip_html,
)

DOCS = ["the cat sat on the mat", "the dog sat", "a dog and a cat"]
# term counts: the 3; cat, dog, sat 2; and, mat, on 1 ("a" is not a token)
VOCAB = {"the": 2, "cat": 3, "dog": 4, "sat": 5, "and": 6, "mat": 7, "on": 8}
STRING_ERROR = "Iterable over raw text documents expected, string object received."


# --------------------------------------------------------------------------- #
# SequenceVectorizer
# --------------------------------------------------------------------------- #


def test_sequence_vectorizer_ids_by_decreasing_frequency():
    vec = SequenceVectorizer()
    X = vec.fit_transform(DOCS)
    assert vec.vocabulary_ == VOCAB
    assert vec.n_tokens_ == 9
    assert vec.maxlen_ == 6  # longest training document
    assert X.dtype == np.int32
    assert_array_equal(X, [[2, 3, 5, 8, 2, 7], [0, 0, 0, 2, 4, 5], [0, 0, 0, 4, 6, 3]])
    assert_array_equal(
        vec.get_vocabulary(),
        ["<pad>", "<oov>", "the", "cat", "dog", "sat", "and", "mat", "on"],
    )


def test_sequence_vectorizer_output_width_is_fixed_by_fit():
    vec = SequenceVectorizer(token_pattern=r"\w+").fit(["b a", "a"])
    assert vec.vocabulary_ == {"a": 2, "b": 3}
    assert vec.maxlen_ == 2
    assert_array_equal(vec.transform(["a b c a b", "", "c"]), [[2, 3], [0, 0], [0, 1]])


@pytest.mark.parametrize(
    "padding, truncating, expected",
    [
        ("pre", "pre", [[5, 8, 2, 7], [0, 2, 4, 5]]),
        ("pre", "post", [[2, 3, 5, 8], [0, 2, 4, 5]]),
        ("post", "pre", [[5, 8, 2, 7], [2, 4, 5, 0]]),
        ("post", "post", [[2, 3, 5, 8], [2, 4, 5, 0]]),
    ],
)
def test_sequence_vectorizer_padding_and_truncating(padding, truncating, expected):
    vec = SequenceVectorizer(maxlen=4, padding=padding, truncating=truncating)
    assert_array_equal(vec.fit_transform(DOCS)[:2], expected)
    assert_array_equal(vec.transform(DOCS[:2]), expected)


def test_sequence_vectorizer_oov_tokens_are_kept_in_place():
    vec = SequenceVectorizer(maxlen=5).fit(DOCS)
    assert_array_equal(
        vec.transform(["Zebra the ZEBRA", "", "unknown"]),
        [[0, 0, 1, 2, 1], [0, 0, 0, 0, 0], [0, 0, 0, 0, 1]],
    )


def test_sequence_vectorizer_empty_documents_give_padding_rows():
    vec = SequenceVectorizer(padding="post")
    assert_array_equal(
        vec.fit_transform(["", "dog dog", "!!"]), [[0, 0], [2, 2], [0, 0]]
    )


def test_sequence_vectorizer_pruned_tokens_become_oov():
    docs = ["aa bb cc", "aa bb", "aa dd dd dd"]
    vec = SequenceVectorizer(min_df=2)  # cc and dd are in one document only
    X = vec.fit_transform(docs)
    assert vec.vocabulary_ == {"aa": 2, "bb": 3}
    assert_array_equal(X, [[0, 2, 3, 1], [0, 0, 2, 3], [2, 1, 1, 1]])
    assert_array_equal(vec.transform(docs), X)
    vec = SequenceVectorizer(max_df=2)  # aa is in three documents
    assert vec.fit(docs).vocabulary_ == {"dd": 2, "bb": 3, "cc": 4}


def test_sequence_vectorizer_max_features_keeps_smallest_ids():
    docs = ["aa bb bb cc cc cc dd dd dd dd", "ee"]
    full = SequenceVectorizer().fit(docs)
    assert full.vocabulary_ == {"dd": 2, "cc": 3, "bb": 4, "aa": 5, "ee": 6}
    top2 = SequenceVectorizer(max_features=2).fit(docs)
    assert top2.vocabulary_ == {"dd": 2, "cc": 3}
    # limiting the vocabulary is the same as mapping the ids above 3 to OOV
    X_full, X_top2 = full.transform(docs), top2.transform(docs)
    assert_array_equal(X_top2, np.where(X_full > 3, 1, X_full))


def test_sequence_vectorizer_stop_words_and_empty_vocabulary():
    vec = SequenceVectorizer(stop_words="english").fit(["the film was good", "the end"])
    assert vec.vocabulary_ == {"end": 2, "film": 3, "good": 4}
    with pytest.raises(ValueError, match="empty vocabulary"):
        SequenceVectorizer(stop_words="english").fit(["the", "and then it was"])
    with pytest.raises(ValueError, match="empty vocabulary"):
        SequenceVectorizer().fit([])


def test_sequence_vectorizer_unicode():
    vec = SequenceVectorizer()
    X = vec.fit_transform(["Café naïve 東京 東京", "CAFÉ"])
    assert vec.vocabulary_ == {"café": 2, "東京": 3, "naïve": 4}
    assert_array_equal(X, [[2, 4, 3, 3], [0, 0, 0, 2]])
    vec = SequenceVectorizer(strip_accents="unicode").fit(["Café naïve", "cafe"])
    assert vec.vocabulary_ == {"cafe": 2, "naive": 3}


def test_sequence_vectorizer_bytes_documents():
    vec = SequenceVectorizer().fit([b"caf\xc3\xa9 au lait", "caf\u00e9"])
    assert vec.vocabulary_ == {"café": 2, "au": 3, "lait": 4}
    latin1 = [b"caf\xe9 au lait"]
    with pytest.raises(UnicodeDecodeError, match="utf-8"):
        vec.transform(latin1)
    # "caf\ufffd" or "caf": out of vocabulary
    assert_array_equal(
        vec.set_params(decode_error="replace").transform(latin1), [[1, 3, 4]]
    )
    assert_array_equal(
        vec.set_params(decode_error="ignore").transform(latin1), [[1, 3, 4]]
    )
    latin1_vec = SequenceVectorizer(encoding="latin-1").fit(latin1)
    assert latin1_vec.vocabulary_ == {"au": 2, "café": 3, "lait": 4}


def test_sequence_vectorizer_file_inputs(tmp_path):
    paths = [tmp_path / "a.txt", tmp_path / "b.txt"]
    for path, text in zip(paths, ["dog and dog", "cat"]):
        path.write_text(text, encoding="utf-8")
    vec = SequenceVectorizer(input="filename")
    assert_array_equal(vec.fit_transform(paths), [[2, 3, 2], [0, 0, 4]])
    vec = SequenceVectorizer(input="file")
    X = vec.fit_transform([io.BytesIO(b"dog and dog"), io.BytesIO(b"cat")])
    assert_array_equal(X, [[2, 3, 2], [0, 0, 4]])


def test_sequence_vectorizer_string_input_raises():
    vec = SequenceVectorizer()
    for method in (vec.fit, vec.fit_transform):
        with pytest.raises(ValueError, match=STRING_ERROR):
            method("the cat sat")
    vec.fit(DOCS)
    with pytest.raises(ValueError, match=STRING_ERROR):
        vec.transform("the cat sat")


def test_sequence_vectorizer_fit_transform_equals_fit_then_transform():
    docs = [f"w{i % 7} w{i % 3} w{i % 5} w{i}" for i in range(40)]
    kwargs = dict(maxlen=3, max_features=6, padding="post", truncating="post")
    X = SequenceVectorizer(**kwargs).fit_transform(iter(docs))  # one pass over X
    assert_array_equal(X, SequenceVectorizer(**kwargs).fit(docs).transform(docs))


def test_sequence_vectorizer_analyzer_options():
    vec = SequenceVectorizer(ngram_range=(1, 2)).fit(["good movie", "good"])
    assert vec.vocabulary_ == {"good": 2, "good movie": 3, "movie": 4}
    assert_array_equal(vec.transform(["good movie"]), [[2, 4, 3]])
    vec = SequenceVectorizer(analyzer="char").fit(["abba"])
    assert vec.vocabulary_ == {"a": 2, "b": 3}
    assert_array_equal(vec.transform(["abc"]), [[0, 2, 3, 1]])
    vec = SequenceVectorizer(tokenizer=str.split, token_pattern=None).fit(["a b, a"])
    assert vec.vocabulary_ == {"a": 2, "b,": 3}


def test_sequence_vectorizer_inverse_transform_round_trip():
    vec = SequenceVectorizer(maxlen=8).fit(DOCS)
    analyzer = CountVectorizer().build_analyzer()
    for doc, tokens in zip(DOCS, vec.inverse_transform(vec.transform(DOCS))):
        assert tokens.tolist() == analyzer(doc)
    [tokens] = vec.inverse_transform(vec.transform(["The bird sat"]))
    assert tokens.tolist() == ["the", "<oov>", "sat"]
    with pytest.raises(ValueError, match=r"\[0, 9\)"):
        vec.inverse_transform([[0, 9]])
    with pytest.raises(ValueError, match="integer"):
        vec.inverse_transform([[0.0, 2.0]])


def test_sequence_vectorizer_feature_names_and_not_fitted():
    vec = SequenceVectorizer(maxlen=3)
    for method in (vec.get_feature_names_out, vec.get_vocabulary):
        with pytest.raises(NotFittedError):
            method()
    with pytest.raises(NotFittedError):
        vec.transform(DOCS)
    assert_array_equal(
        vec.fit(DOCS).get_feature_names_out(),
        ["sequencevectorizer0", "sequencevectorizer1", "sequencevectorizer2"],
    )


def test_sequence_vectorizer_dtype_and_set_output():
    vec = SequenceVectorizer(dtype=np.int64).set_output(transform="default")
    assert vec.fit_transform(DOCS).dtype == np.int64
    pd = pytest.importorskip("pandas")
    vec = SequenceVectorizer(maxlen=2).set_output(transform="pandas")
    frame = vec.fit_transform(DOCS)
    assert isinstance(frame, pd.DataFrame)
    assert frame.columns.tolist() == ["sequencevectorizer0", "sequencevectorizer1"]
    assert_array_equal(frame.to_numpy(), [[2, 7], [4, 5], [6, 3]])
    assert [t.tolist() for t in vec.inverse_transform(frame)] == [
        ["the", "mat"],
        ["dog", "sat"],
        ["and", "cat"],
    ]


def test_sequence_vectorizer_pickle_and_clone():
    vec = SequenceVectorizer(maxlen=4, preprocessor=partial(strip_html, lowercase=True))
    vec.fit(DOCS)
    restored = pickle.loads(pickle.dumps(vec))
    assert_array_equal(restored.transform(DOCS), vec.transform(DOCS))
    assert restored.vocabulary_ == vec.vocabulary_
    cloned = clone(vec)
    assert not hasattr(cloned, "vocabulary_")
    assert cloned.get_params()["preprocessor"].keywords == {"lowercase": True}
    assert_array_equal(cloned.fit_transform(DOCS), vec.transform(DOCS))


def test_sequence_vectorizer_params_and_grid_search():
    vec = SequenceVectorizer()
    assert vec.get_params()["maxlen"] is None
    assert vec.set_params(maxlen=7, padding="post").get_params()["maxlen"] == 7
    docs = [f"good film {i}" for i in range(10)] + [
        f"bad boring film {i}" for i in range(10)
    ]
    y = [1] * 10 + [0] * 10
    search = GridSearchCV(
        make_pipeline(SequenceVectorizer(), LogisticRegression()),
        {
            "sequencevectorizer__maxlen": [1, 3],
            "sequencevectorizer__padding": ["pre", "post"],
        },
        cv=2,
    )
    search.fit(docs, y)
    assert search.best_params_ == {
        "sequencevectorizer__maxlen": 3,
        "sequencevectorizer__padding": "pre",
    }


@pytest.mark.parametrize(
    "params",
    [
        {"maxlen": 0},
        {"padding": "both"},
        {"truncating": None},
        {"max_df": 1.5},
        {"decode_error": "skip"},
        {"max_features": 0},
    ],
)
def test_sequence_vectorizer_invalid_params(params):
    with pytest.raises(InvalidParameterError):
        SequenceVectorizer(**params).fit(DOCS)


# --------------------------------------------------------------------------- #
# HashingSequenceVectorizer
# --------------------------------------------------------------------------- #


def test_hashing_ids_are_hashing_vectorizer_columns_plus_two():
    tokens = ["the", "cat", "東京", "naïve", "sat", "zebra", "x" * 50]
    for n_features in (7, 2**10, 2**16):
        vec = HashingSequenceVectorizer(n_features=n_features, maxlen=len(tokens))
        ids = vec.transform([" ".join(tokens)])[0]
        hasher = HashingVectorizer(
            n_features=n_features, norm=None, alternate_sign=False
        )
        columns = [hasher.transform([token]).indices[0] for token in tokens]
        assert_array_equal(ids, np.array(columns) + 2)


def test_hashing_is_stateless():
    vec = HashingSequenceVectorizer(n_features=16, maxlen=4)
    expected = [[6, 9, 16, 13], [0, 0, 16, 7], [0, 0, 0, 0]]
    docs = ["the cat sat on the mat", "the dog", ""]
    assert_array_equal(vec.transform(docs), expected)  # no fit needed
    assert vec.fit(docs) is vec
    assert vars(vec) == vars(HashingSequenceVectorizer(n_features=16, maxlen=4))
    assert_array_equal(vec.fit_transform(docs), expected)
    assert vec.n_tokens_ == 18
    assert_array_equal(
        vec.get_feature_names_out(), [f"hashingsequencevectorizer{i}" for i in range(4)]
    )
    assert_array_equal(pickle.loads(pickle.dumps(vec)).transform(docs), expected)


@pytest.mark.parametrize(
    "padding, truncating, expected",
    [
        ("pre", "pre", [[16, 13], [0, 7]]),
        ("pre", "post", [[16, 3], [0, 7]]),
        ("post", "pre", [[16, 13], [7, 0]]),
        ("post", "post", [[16, 3], [7, 0]]),
    ],
)
def test_hashing_padding_and_truncating(padding, truncating, expected):
    vec = HashingSequenceVectorizer(
        n_features=16, maxlen=2, padding=padding, truncating=truncating
    )
    assert_array_equal(vec.transform(["the cow the mat", "dog"]), expected)


def test_hashing_id_range_and_defaults():
    vec = HashingSequenceVectorizer()
    assert (vec.n_features, vec.maxlen, vec.n_tokens_) == (2**16, 200, 2**16 + 2)
    docs = [" ".join(f"w{i * j}" for j in range(300)) for i in range(20)]
    X = vec.transform(docs)
    assert X.shape == (20, 200) and X.dtype == np.int32
    assert X.min() >= 2 and X.max() < vec.n_tokens_  # 1 is never produced
    vec = HashingSequenceVectorizer(n_features=4, maxlen=300, stop_words=["w0"])
    X = vec.transform(docs)
    assert X[0].max() == 0 and set(np.unique(X[1:])) == {0, 2, 3, 4, 5}


def test_hashing_validation():
    vec = HashingSequenceVectorizer()
    for method in (vec.fit, vec.transform, vec.fit_transform):
        with pytest.raises(ValueError, match=STRING_ERROR):
            method("a document")
    for params in ({"n_features": 0}, {"maxlen": None}, {"padding": "mid"}):
        with pytest.raises(InvalidParameterError):
            HashingSequenceVectorizer(**params).transform(DOCS)


# --------------------------------------------------------------------------- #
# common estimator checks
# --------------------------------------------------------------------------- #

_CHECKS = [
    "check_estimator_cloneable",
    "check_estimator_repr",
    "check_no_attributes_set_in_init",
    "check_parameters_default_constructible",
    "check_get_params_invariance",
    "check_set_params",
    "check_param_validation",
    "check_do_not_raise_errors_in_init_or_set_params",
    "check_mixin_order",
    "check_valid_tag_types",
]


@pytest.mark.parametrize("check", _CHECKS)
@pytest.mark.parametrize("Estimator", [SequenceVectorizer, HashingSequenceVectorizer])
def test_sklearn_estimator_checks(Estimator, check):
    getattr(estimator_checks, check)(Estimator.__name__, Estimator())


def test_tags():
    for Estimator, requires_fit in [
        (SequenceVectorizer, True),
        (HashingSequenceVectorizer, False),
    ]:
        tags = get_tags(Estimator())
        assert tags.input_tags.string and not tags.input_tags.two_d_array
        assert tags.requires_fit is requires_fit
        assert tags.transformer_tags.preserves_dtype == []


# --------------------------------------------------------------------------- #
# strip_html
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize(
    "text, expected",
    [
        ("a<br />b<br>c<BR/>d", "a b c d"),
        ('<p class="x">Hi</p><!-- a\ncomment -->!', " Hi  !"),
        ("Caf&eacute; &amp; &#233;t&#xE9;", "Café & été"),
        ("x &lt;br&gt; y", "x <br> y"),  # escaped tags are text
        ("1 < 2 and 3 > 2, <3", "1 < 2 and 3 > 2, <3"),  # not tags
        ("", ""),
    ],
)
def test_strip_html(text, expected):
    assert strip_html(text) == expected


def test_strip_html_lowercase_and_as_preprocessor():
    assert strip_html("<i>BIG</i> Film", lowercase=True) == " big  film"
    docs = ["Great<br /><br />Film", "GREAT film<br/>"]
    vec = SequenceVectorizer(preprocessor=partial(strip_html, lowercase=True))
    assert vec.fit(docs).vocabulary_ == {"film": 2, "great": 3}
    # without strip_html, "br" is a token
    assert "br" in SequenceVectorizer().fit(docs).vocabulary_


def test_text_parameter_checks_at_fit():
    for Estimator in (SequenceVectorizer, HashingSequenceVectorizer):
        with pytest.raises(ValueError, match="Invalid value for ngram_range"):
            Estimator(ngram_range=(2, 1)).fit(DOCS)
        with pytest.warns(UserWarning, match="'token_pattern' will not be used"):
            Estimator(tokenizer=str.split).fit(DOCS)
