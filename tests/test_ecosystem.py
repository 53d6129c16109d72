"""Notebook HTML repr and set_output in pipelines with the text transformer."""

import numpy as np
import pytest
from sklearn.pipeline import make_pipeline

from sklearn_rnn import ScratchRNNClassifier
from sklearn_rnn.text import SequenceVectorizer

pd = pytest.importorskip("pandas")
DOCS = ["good movie", "bad movie", "great fun film", "awful boring film"] * 10
LABELS = [1, 0, 1, 0] * 10


def test_html_repr_shows_the_pipeline():
    pipe = make_pipeline(
        SequenceVectorizer(maxlen=4), ScratchRNNClassifier(embedding_dim=3)
    )
    html = pipe._repr_html_()
    assert "SequenceVectorizer" in html and "ScratchRNNClassifier" in html
    assert "embedding_dim" in ScratchRNNClassifier(embedding_dim=3)._repr_html_()


def test_pipeline_set_output_pandas():
    pipe = make_pipeline(
        SequenceVectorizer(maxlen=4),
        ScratchRNNClassifier(
            embedding_dim=3, hidden_size=4, max_iter=3, random_state=0
        ),
    )
    plain = pipe.fit(DOCS, LABELS).predict_proba(DOCS)
    pipe.set_output(transform="pandas")
    np.testing.assert_allclose(pipe.fit(DOCS, LABELS).predict_proba(DOCS), plain)
    ids = pipe[:-1].transform(DOCS[:2])
    assert isinstance(ids, pd.DataFrame)
    assert list(ids.columns) == [f"sequencevectorizer{i}" for i in range(4)]
    features = pipe.transform(DOCS[:2])
    assert isinstance(features, pd.DataFrame)
    assert list(features.columns) == [f"scratchrnnclassifier{i}" for i in range(4)]


def test_set_output_pandas_with_per_step_output_is_a_clear_error():
    rng = np.random.RandomState(0)
    X = rng.randn(6, 4, 2)
    clf = ScratchRNNClassifier(return_sequences=True, hidden_size=3, max_iter=2)
    clf.set_output(transform="pandas").fit(X, rng.randint(0, 2, (6, 4)))
    with pytest.raises(
        ValueError, match="3-D array.*set_output\\(transform='default'\\)"
    ):
        clf.transform(X)
