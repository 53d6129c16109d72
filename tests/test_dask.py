"""Scale-out: grid search on loky and on a local dask cluster; out-of-core dask-ml.

Skipped when dask.distributed is not installed (``pip install "sklearn_rnn[dask]"``).
The cluster runs two worker processes on the loopback interface only.
"""

import importlib.util
import os
from pathlib import Path

import numpy as np
import pytest
from joblib import parallel_backend
from numpy.testing import assert_array_equal
from sklearn.model_selection import GridSearchCV, cross_validate
from sklearn.pipeline import make_pipeline
from threadpoolctl import threadpool_info

from sklearn_rnn import ScratchRNNClassifier
from sklearn_rnn.text import HashingSequenceVectorizer, SequenceVectorizer

distributed = pytest.importorskip("distributed")

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def load_example():
    """The example module (its cluster starts only under ``__main__``)."""
    path = Path(__file__).parents[1] / "examples" / "dask_grid_search.py"
    spec = importlib.util.spec_from_file_location("dask_grid_search_example", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


REVIEWS, LABELS = load_example().make_reviews(90, random_state=0)


@pytest.fixture(scope="module")
def client():
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


def searches(order_task):
    """(estimator, grid, X, y) of a plain RNN and of two text pipelines (Elman
    cells: four epochs of them already tell the grid points apart)."""
    X, y = order_task[0][:90], order_task[1][:90]
    rnn = ScratchRNNClassifier(cell="rnn", hidden_size=4, max_iter=4, random_state=0)
    counted = make_pipeline(
        SequenceVectorizer(maxlen=14, max_features=30),
        ScratchRNNClassifier(
            cell="rnn", embedding_dim=4, vocab_size=32, max_iter=4, random_state=0
        ),
    )
    hashed = make_pipeline(
        HashingSequenceVectorizer(n_features=64, maxlen=14),
        ScratchRNNClassifier(
            cell="rnn", embedding_dim=4, vocab_size=66, max_iter=4, random_state=0
        ),
    )
    return {
        "rnn": (rnn, {"hidden_size": [4, 8], "solver": ["adam", "rmsprop"]}, X, y),
        "SequenceVectorizer": (
            counted,
            {
                "scratchrnnclassifier__pooling": ["last", "max"],
                "scratchrnnclassifier__hidden_size": [4, 8],
            },
            REVIEWS,
            LABELS,
        ),
        "HashingSequenceVectorizer": (
            hashed,
            {"scratchrnnclassifier__learning_rate_init": [0.01, 0.1]},
            REVIEWS,
            LABELS,
        ),
    }


@pytest.mark.parametrize(
    "name", ["rnn", "SequenceVectorizer", "HashingSequenceVectorizer"]
)
def test_grid_search_scores_are_the_same_sequentially_on_loky_and_on_dask(
    name, order_task, client
):
    estimator, grid, X, y = searches(order_task)[name]

    def scores(n_jobs):
        search = GridSearchCV(estimator, grid, cv=3, n_jobs=n_jobs).fit(X, y)
        return {
            key: value
            for key, value in search.cv_results_.items()
            if key.endswith("test_score")
        }

    sequential = scores(None)
    with parallel_backend("loky"):
        on_loky = scores(2)
    with parallel_backend("dask"), distributed.get_task_stream(client) as tasks:
        on_dask = scores(-1)
    assert tasks.data, "no task ran on the dask cluster"
    for key, expected in sequential.items():
        assert_array_equal(on_loky[key], expected, err_msg=f"loky {key}")
        assert_array_equal(on_dask[key], expected, err_msg=f"dask {key}")
    assert len(set(sequential["mean_test_score"])) > 1  # the grid points differ


@pytest.mark.parametrize("backend", ["loky", "dask"])
@pytest.mark.parametrize("hidden_size", [4, 128])  # both branches of _blas_limits
def test_fits_in_worker_processes_use_one_blas_thread(
    backend, hidden_size, order_task, request
):
    """No oversubscription: each of the two workers fits with 1 BLAS thread.

    Small problems pin BLAS to 1 thread (``_blas_limits``); larger ones keep
    the process's limit, which loky (cores // n_jobs) and dask's nanny
    (``OMP_NUM_THREADS=1`` etc. in the workers' environment) set to 1.
    """
    if backend == "dask":
        request.getfixturevalue("client")

    class ThreadRecordingRNN(ScratchRNNClassifier):  # local: shipped by value
        def _train(self, *args, **kwargs):
            self.blas_threads_ = {
                info["num_threads"]
                for info in threadpool_info()
                if info["user_api"] == "blas"
            }
            self.pid_ = os.getpid()
            return super()._train(*args, **kwargs)

    X, y = order_task[0][:120], order_task[1][:120]
    with parallel_backend(backend):
        result = cross_validate(
            ThreadRecordingRNN(hidden_size=hidden_size, max_iter=1),
            X,
            y,
            cv=4,
            n_jobs=2,
            return_estimator=True,
        )
    fitted = result["estimator"]
    assert [est.blas_threads_ for est in fitted] == [{1}] * 4
    assert os.getpid() not in {est.pid_ for est in fitted}


def test_incremental_trains_out_of_core_like_a_partial_fit_loop(client):
    da = pytest.importorskip("dask.array")
    wrappers = pytest.importorskip("dask_ml.wrappers")
    vectorizer = HashingSequenceVectorizer(n_features=64, maxlen=14)
    ids = vectorizer.transform(REVIEWS)
    X, y = da.from_array(ids, chunks=(30, -1)), da.from_array(LABELS, chunks=30)

    def make():
        return ScratchRNNClassifier(
            embedding_dim=4,
            vocab_size=vectorizer.n_tokens_,
            hidden_size=8,
            pooling="max",
            learning_rate_init=0.05,
            random_state=0,
        )

    incremental = wrappers.Incremental(make(), scoring="accuracy", shuffle_blocks=False)
    incremental.fit(X, y, classes=[0, 1])
    reference = make()
    for rows in np.array_split(np.arange(len(ids)), 3):  # the same row blocks
        reference.partial_fit(ids[rows], LABELS[rows], classes=[0, 1])
    assert incremental.estimator_.n_iter_ == reference.n_iter_ == 3
    assert_array_equal(incremental.predict(X).compute(), reference.predict(ids))
    assert incremental.score(X, y) == reference.score(ids, LABELS)
