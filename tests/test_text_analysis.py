"""The fast analysis of the sequence vectorizers against straightforward references.

The reference is the previous implementation of ``SequenceVectorizer``: the
documents analysed by ``CountVectorizer``'s analyzer into token lists, the
vocabulary chosen by ``CountVectorizer`` on these lists, ids by decreasing count
(ties in alphabetical order), one dict lookup per token, then padding.
"""

import warnings
from functools import partial
from itertools import chain

import numpy as np
import pytest
from _text_references import reference_pad
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_array_equal
from sklearn.feature_extraction.text import CountVectorizer, HashingVectorizer
from sklearn.utils import murmurhash3_32

from sklearn_rnn.text import HashingSequenceVectorizer, SequenceVectorizer, strip_html
from sklearn_rnn.text._analysis import encode_documents
from sklearn_rnn.text._sequences import TEXT_PARAMS

EXAMPLES = settings(max_examples=150, deadline=None, derandomize=True)

WORDS = ["aa", "bb", "cc", "dd", "Ee", "ff", "a", "été", "東京", "x_1", "42"]
documents = st.lists(
    st.lists(st.sampled_from(WORDS), max_size=12).map(" ".join)
    | st.lists(st.sampled_from(WORDS + [",", ", ", "!", "  "]), max_size=12).map(
        "".join
    ),
    min_size=1,
    max_size=12,
)
NGRAM_RANGES = [(1, 1), (1, 2), (2, 2), (1, 3), (2, 3), (3, 3)]


def split_on_commas(doc):
    """A tokenizer whose tokens may hold spaces (or be empty): "a b" is a unigram,
    and also the bigram ("a", "b")."""
    return doc.split(",")


def reference_fit(docs, params):
    """Vocabulary and output of the previous SequenceVectorizer.fit_transform."""
    analyzer = CountVectorizer(
        **{p: params[p] for p in TEXT_PARAMS if p in params}
    ).build_analyzer()
    token_lists = [analyzer(doc) for doc in docs]
    counter = CountVectorizer(
        analyzer=lambda tokens: tokens,
        **{p: params[p] for p in ("max_features", "min_df", "max_df") if p in params},
    )
    counts = counter.fit_transform(token_lists)
    term_counts = np.asarray(counts.sum(axis=0)).ravel()
    tokens = counter.get_feature_names_out()[np.argsort(-term_counts, kind="stable")]
    vocabulary = {token: i for i, token in enumerate(tokens.tolist(), start=2)}
    maxlen = params.get("maxlen") or max(map(len, token_lists))
    return vocabulary, reference_transform(docs, params, vocabulary, maxlen)


def reference_transform(docs, params, vocabulary, maxlen):
    analyzer = CountVectorizer(
        **{p: params[p] for p in TEXT_PARAMS if p in params}
    ).build_analyzer()
    ids = [[vocabulary.get(token, 1) for token in analyzer(doc)] for doc in docs]
    return reference_pad(
        ids, maxlen, params.get("padding", "pre"), params.get("truncating", "pre")
    )


def outcome(function, *args):
    """The result of ``function(*args)``, or the type and message of its error."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # unused parameters
            return function(*args)
    except ValueError as exc:
        return type(exc), str(exc)


def fit_ours(docs, params):
    vec = SequenceVectorizer(**params)
    X = vec.fit_transform(docs)
    assert_array_equal(vec.fit(docs).transform(docs), X)
    return list(vec.vocabulary_.items()), X, vec


@pytest.mark.filterwarnings("ignore:The parameter:UserWarning")
@EXAMPLES
@given(
    docs=documents,
    other_docs=documents,
    ngram_range=st.sampled_from(NGRAM_RANGES),
    max_features=st.sampled_from([None, 1, 2, 5, 20]),
    min_df=st.sampled_from([1, 2, 0.3, 1.0]),
    max_df=st.sampled_from([1.0, 0.7, 2, 1]),
    stop_words=st.sampled_from([None, ["aa", "東京"], "english"]),
    lowercase=st.booleans(),
    analyzer=st.sampled_from(["word", "word", "char", "char_wb"]),
    tokenizer=st.sampled_from([None, None, split_on_commas]),
    maxlen=st.sampled_from([None, 1, 4]),
    padding=st.sampled_from(["pre", "post"]),
    truncating=st.sampled_from(["pre", "post"]),
)
def test_sequence_vectorizer_matches_reference(docs, other_docs, **params):
    if params["tokenizer"] is not None:
        params["token_pattern"] = None
    expected = outcome(reference_fit, docs, params)
    ours = outcome(fit_ours, docs, params)
    if isinstance(expected[0], type):  # the same error
        assert ours == expected
        return
    vocabulary, X = expected
    assert ours[0] == list(vocabulary.items())  # ids and their order in the dict
    assert_array_equal(ours[1], X)
    assert ours[1].dtype == np.int32
    vec = ours[2]
    assert_array_equal(
        vec.transform(other_docs),
        reference_transform(other_docs, params, vocabulary, vec.maxlen_),
    )


def test_max_features_chooses_among_ties_as_count_vectorizer():
    """Many tokens tie at the max_features cut: CountVectorizer's (unstable) sort
    of the alphabetically ordered counts decides which are kept. (With this corpus
    a stable sort would keep other tokens.)"""
    rng = np.random.RandomState(0)
    words = [f"w{i:04d}" for i in range(3000)]
    docs = [" ".join(rng.choice(words, size=rng.randint(1, 40))) for _ in range(400)]
    for params in (
        {"max_features": 1000},
        {"max_features": 700, "ngram_range": (1, 2)},
        {"max_features": 300, "min_df": 2},
    ):
        vocabulary, X = reference_fit(docs, params)
        items, ours, _ = fit_ours(docs, params)
        assert items == list(vocabulary.items())
        assert_array_equal(ours, X)


def test_imdb_like_settings_match_reference():
    rng = np.random.RandomState(1)
    words = ["Good", "bad", "film", "<br />", "movie", "the", "&amp;", "it's", "Été"]
    docs = [" ".join(rng.choice(words, size=rng.randint(0, 30))) for _ in range(200)]
    params = {
        "preprocessor": partial(strip_html, lowercase=True),
        "ngram_range": (1, 2),
        "max_features": 40,
        "maxlen": 20,
    }
    vocabulary, X = reference_fit(docs, params)
    items, ours, _ = fit_ours(docs, params)
    assert items == list(vocabulary.items())
    assert_array_equal(ours, X)


@EXAMPLES
@given(
    docs=documents,
    ngram_range=st.sampled_from(NGRAM_RANGES),
    tokenizer=st.sampled_from([None, split_on_commas, str.split]),
    stop_words=st.sampled_from([None, ["bb"]]),
)
def test_encode_documents_gives_the_analyzer_terms(
    docs, ngram_range, tokenizer, stop_words
):
    vectorizer = CountVectorizer(
        ngram_range=ngram_range,
        tokenizer=tokenizer,
        token_pattern=None if tokenizer else r"(?u)\b\w\w+\b",
        stop_words=stop_words,
    )
    terms, ids, lengths = encode_documents(docs, vectorizer)
    expected = [vectorizer.build_analyzer()(doc) for doc in docs]
    assert len(set(terms)) == len(terms)
    assert lengths.tolist() == [len(tokens) for tokens in expected]
    assert [terms[i] for i in ids] == list(chain.from_iterable(expected))


def test_encode_documents_merges_ngrams_equal_to_other_terms():
    # with the tokens "a b", "a" and "b", the unigram "a b" is the bigram a + b
    vectorizer = CountVectorizer(
        tokenizer=split_on_commas, token_pattern=None, ngram_range=(1, 3)
    )
    terms, ids, lengths = encode_documents(["a b,a,b", "a,b c", "a b,c"], vectorizer)
    assert [terms[i] for i in ids] == [
        *["a b", "a", "b", "a b a", "a b", "a b a b"],
        *["a", "b c", "a b c"],
        *["a b", "c", "a b c"],
    ]
    assert sorted(terms) == ["a", "a b", "a b a", "a b a b", "a b c", "b", "b c", "c"]
    assert lengths.tolist() == [6, 3, 3]


def test_encode_documents_default_token_pattern():
    """The faster pattern finds the tokens of the default one."""
    text = "a ab, abc_d 1 12 é été\tx-yz__ 東京 ..a1 _ __ ÉtÉ 'q' ab"
    vectorizer = CountVectorizer(lowercase=False)
    terms, ids, _ = encode_documents([text], vectorizer)
    tokens = ["ab", "abc_d", "12", "été", "yz__", "東京", "a1", "__", "ÉtÉ", "ab"]
    assert [terms[i] for i in ids] == tokens == vectorizer.build_analyzer()(text)


@EXAMPLES
@given(
    docs=documents,
    ngram_range=st.sampled_from(NGRAM_RANGES),
    n_features=st.sampled_from([1, 7, 2**10]),
)
def test_hashing_sequence_vectorizer_matches_reference(docs, ngram_range, n_features):
    analyzer = HashingVectorizer(ngram_range=ngram_range).build_analyzer()
    ids = [
        [abs(murmurhash3_32(token, seed=0)) % n_features + 2 for token in analyzer(doc)]
        for doc in docs
    ]
    vec = HashingSequenceVectorizer(
        n_features=n_features, ngram_range=ngram_range, maxlen=6, padding="post"
    )
    assert_array_equal(vec.transform(docs), reference_pad(ids, 6, "post", "pre"))


@pytest.mark.parametrize(
    "ngram_range, expected",
    [
        ((1, 1), [[0, 0, 0], [2, 0, 0], [0, 0, 0], [2, 3, 4]]),
        ((1, 2), [[0] * 5, [2, 0, 0, 0, 0], [0] * 5, [2, 4, 6, 3, 5]]),
        ((2, 3), [[0] * 3, [0] * 3, [0] * 3, [2, 4, 3]]),
    ],
)
def test_documents_with_fewer_tokens_than_n(ngram_range, expected):
    docs = ["", "aa", "!!", "aa bb cc"]
    params = {"ngram_range": ngram_range, "padding": "post"}
    vec = SequenceVectorizer(**params)
    assert_array_equal(vec.fit_transform(docs), expected)
    vocabulary, X = reference_fit(docs, params)
    assert list(vec.vocabulary_.items()) == list(vocabulary.items())
    assert_array_equal(X, expected)
    assert_array_equal(
        vec.transform(["", "zz", "zz aa"]),
        reference_transform(["", "zz", "zz aa"], params, vocabulary, vec.maxlen_),
    )


@pytest.mark.parametrize("Vectorizer", [SequenceVectorizer, HashingSequenceVectorizer])
@pytest.mark.parametrize("ngram_range", [(0, 2), (-1, 1), (True, 2), (1,), (1.0, 2)])
def test_ngram_range_below_one_is_refused_by_name(Vectorizer, ngram_range):
    with pytest.raises(ValueError, match=r"ngram_range parameter of .*1 <= min_n"):
        Vectorizer(ngram_range=ngram_range).fit_transform(["a b", "c"])
