"""ONNX export: onnxruntime's outputs equal ours to 1e-5 (float32) for every
configuration of the matrix, and what cannot be exported raises."""

import warnings

import numpy as np
import onnxruntime
import pytest
import skl2onnx
from numpy.testing import assert_allclose, assert_array_equal
from skl2onnx.common.data_types import (
    DoubleTensorType,
    FloatTensorType,
    Int64TensorType,
)
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import make_pipeline

import sklearn_rnn.onnx  # noqa: F401  (registers the converters)
from sklearn_rnn import ScratchRNNClassifier, ScratchRNNRegressor
from sklearn_rnn.onnx import NotExportableError
from sklearn_rnn.preprocessing import SequenceScaler
from sklearn_rnn.text import SequenceVectorizer

N, T, D, VOCAB = 12, 7, 3, 9
TOLERANCE = 1e-5


def padded_data(seed=0, n=N, steps=T, features=D):
    """float32 sequences whose padding (all features 0) is before, after and
    inside them; one sequence is all padding, one has none."""
    rng = np.random.RandomState(seed)
    X = rng.randn(n, steps, features).astype(np.float32)
    X[0, 4:] = 0.0  # post-padding
    X[1, :3] = 0.0  # pre-padding
    X[2, 2:4] = 0.0  # interior
    X[3] = 0.0  # nothing valid
    X[4, [0, steps - 1]] = 0.0  # both ends
    return X


def token_ids(seed=0):
    rng = np.random.RandomState(seed)
    ids = rng.randint(1, VOCAB, size=(N, T))
    ids[0, 5:] = 0
    ids[1, :2] = 0
    ids[2] = 0
    ids[3, 3] = VOCAB + 40  # beyond the vocabulary: the OOV row 1
    return ids


def fitted(estimator, X, y, seed=0):
    """``estimator`` fitted one epoch, then every weight and buffer moved at
    random (biases included), so that no mapping error hides behind zeros."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        estimator.set_params(max_iter=1, random_state=0).fit(X, y)
    rng = np.random.RandomState(seed)
    network = estimator.network_
    for array in network.params:
        array += rng.normal(0.0, 0.3, array.shape).astype(array.dtype)
    for name, array in network.named_buffers().items():
        low = 0.5 if name.endswith("running_var") else -0.5
        array[...] = rng.uniform(low, low + 1.0, array.shape)
    return estimator


def session(model, input_type, **options):
    onx = skl2onnx.to_onnx(
        model, initial_types=[("X", input_type)], options=options or None
    )
    return onnxruntime.InferenceSession(
        onx.SerializeToString(), providers=["CPUExecutionProvider"]
    )


def dynamic(X, kind=FloatTensorType):
    return kind([None, None] + list(X.shape[2:]))


def assert_classifier_exported(clf, X, input_type=None):
    run = session(clf, input_type or dynamic(X), zipmap=False)
    label, probabilities = run.run(None, {"X": X})
    assert_allclose(probabilities, clf.predict_proba(X), rtol=0, atol=TOLERANCE)
    assert_array_equal(label, clf.predict(X))
    return run


def assert_regressor_exported(reg, X, input_type=None):
    """The network's outputs agree to TOLERANCE in float32, as the
    classifier's probabilities do: compared in the scaled units the network
    computes in (``(y - y_mean_) / y_scale_``), whatever the scale of y."""
    (prediction,) = session(reg, input_type or dynamic(X)).run(None, {"X": X})
    expected = reg.predict(X)
    assert prediction.shape == expected.shape
    scale = reg.y_scale_.reshape(-1)[: expected.shape[-1] if expected.ndim > 1 else 1]
    assert_allclose(
        prediction / scale, expected / scale, rtol=TOLERANCE, atol=TOLERANCE
    )


def binary_target(X):
    return np.where(X[:, :, 0].sum(1) > 0, "up", "down")


# ------------------------------------------------------------ recurrent stacks
@pytest.mark.parametrize("pooling", ["last", "mean", "max", "per step"])
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("cell", ["rnn", "gru", "lstm"])
def test_stacked_cells_with_masks_of_every_kind(cell, bidirectional, pooling):
    """Two layers, padding before, after and inside the sequences, one
    sequence all padding; per step: labels of every step, padding included."""
    X = padded_data()
    per_step = pooling == "per step"
    clf = ScratchRNNClassifier(
        cell=cell,
        hidden_size=4,
        num_layers=2,
        bidirectional=bidirectional,
        pooling="last" if per_step else pooling,
        return_sequences=per_step,
        dense_layers=(3,) if per_step else (),
        mask_value=0.0,
    )
    y = np.where(np.cumsum(X[:, :, 0], axis=1) > 0, "up", "down")
    assert_classifier_exported(fitted(clf, X, y if per_step else y[:, -1]), X)


@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("cell", ["rnn", "gru", "lstm"])
def test_cells_without_a_mask(cell, bidirectional):
    X = padded_data(1)
    clf = ScratchRNNClassifier(cell=cell, hidden_size=5, bidirectional=bidirectional)
    assert_classifier_exported(fitted(clf, X, binary_target(X)), X)


@pytest.mark.parametrize("activation", ["identity", "relu", "sigmoid"])
def test_elman_activations(activation):
    X = padded_data(2)
    clf = ScratchRNNClassifier(
        cell="rnn", activation=activation, hidden_size=4, mask_value=0.0
    )
    assert_classifier_exported(fitted(clf, X, binary_target(X)), X)


# ---------------------------------------------------------------- the head
@pytest.mark.parametrize("dense_activation", ["relu", "tanh"])
def test_dense_layers_and_a_multiclass_softmax(dense_activation):
    X = padded_data(3)
    y = np.array(["a", "b", "c"])[np.arange(N) % 3]
    clf = ScratchRNNClassifier(
        hidden_size=4, dense_layers=(5, 3), dense_activation=dense_activation
    )
    assert_classifier_exported(fitted(clf, X, y), X)


def test_multilabel_outputs_the_indicator_and_each_labels_probability():
    X = padded_data(4)
    y = np.c_[X[:, :, 0].sum(1) > 0, X[:, :, 1].sum(1) > 0, np.arange(N) % 2]
    clf = fitted(ScratchRNNClassifier(hidden_size=4, mask_value=0.0), X, y)
    assert_classifier_exported(clf, X)


@pytest.mark.parametrize("dtype", [int, float])
def test_integer_labels_and_zipmap_as_skl2onnx_classifiers(dtype):
    X = padded_data(5)
    y = (X[:, :, 0].sum(1) > 0).astype(dtype) * 7
    clf = fitted(ScratchRNNClassifier(hidden_size=3), X, y)
    onx = skl2onnx.to_onnx(clf, X[:1])  # the shape guessed from X, ZipMap
    run = onnxruntime.InferenceSession(onx.SerializeToString())
    label, probabilities = run.run(None, {"X": X})
    assert_array_equal(label, clf.predict(X))
    expected = clf.predict_proba(X)
    for row, maps in zip(expected, probabilities):
        assert sorted(maps) == [0, 7]
        assert_allclose([maps[0], maps[7]], row, atol=TOLERANCE)


@pytest.mark.parametrize("single", [True, False])
def test_regressor_outputs_in_the_units_of_y(single):
    X = padded_data(6)
    y = X.sum((1, 2)) * 30.0 + 100.0
    y = y if single else np.c_[y, -y / 7.0]
    reg = ScratchRNNRegressor(hidden_size=4, mask_value=0.0, bidirectional=True)
    assert_regressor_exported(fitted(reg, X, y), X)


# ------------------------------------------------------- per-step outputs
@pytest.mark.parametrize("outputs", [1, 2])
def test_return_sequences_regressor_with_the_conv_branch(outputs):
    X = padded_data(8)
    y = np.cumsum(X[:, :, :outputs], axis=1)
    y = y[:, :, 0] if outputs == 1 else y
    reg = ScratchRNNRegressor(
        hidden_size=3,
        return_sequences=True,
        conv_filters=(4, 2),
        conv_kernel_sizes=(4, 3),
        mask_value=0.0,
    )
    assert_regressor_exported(fitted(reg, X, y), X)


# ------------------------------------------------- token ids, embeddings
@pytest.mark.parametrize(
    "options",
    [
        dict(cell="gru", bidirectional=True, pooling="last"),
        dict(cell="lstm", num_layers=2, pooling="mean"),
        dict(cell="rnn", activation="identity", pooling="max", downsample=2),
        dict(cell="gru", flat_units=3),
    ],
)
def test_token_ids_padding_and_out_of_vocabulary_ids(options):
    ids = token_ids()
    clf = ScratchRNNClassifier(
        hidden_size=4, embedding_dim=3, vocab_size=VOCAB, **options
    )
    clf = fitted(clf, ids, np.arange(N) % 2)
    assert_classifier_exported(clf, ids, Int64TensorType([None, None]))


# ------------------------------------------- conv branch and downsampling
@pytest.mark.parametrize("mask_value", [None, 0.0])
@pytest.mark.parametrize("downsample", [1, 2, 3])
def test_gru_fcn_with_downsampling(downsample, mask_value):
    X = padded_data(9, steps=11)
    clf = ScratchRNNClassifier(
        hidden_size=4,
        conv_filters=(5, 3),
        conv_kernel_sizes=(4, 3),
        downsample=downsample,
        mask_value=mask_value,
    )
    clf = fitted(clf, X, binary_target(X))
    assert clf.downsample_ == downsample
    assert_classifier_exported(clf, X)


def test_automatic_downsampling_of_long_series():
    X = padded_data(10, n=8, steps=300, features=1)
    reg = ScratchRNNRegressor(
        cell="lstm",
        hidden_size=3,
        downsample="auto",
        conv_filters=(3,),
        conv_kernel_sizes=(5,),
        mask_value=0.0,
    )
    reg = fitted(reg, X, X.sum((1, 2)))
    assert reg.downsample_ == 3
    assert_regressor_exported(reg, X)


@pytest.mark.parametrize("mask_value", [None, 0.0])
@pytest.mark.parametrize("downsample", [1, 3])
def test_flat_branch_with_padding_and_downsampling(downsample, mask_value):
    X = padded_data(19, steps=11)
    clf = ScratchRNNClassifier(
        hidden_size=3,
        conv_filters=(2,),
        conv_kernel_sizes=(3,),
        flat_units=4,
        downsample=downsample,
        mask_value=mask_value,
    )
    clf = fitted(clf, X, binary_target(X))
    assert clf.flat_steps_ == -(-11 // downsample)
    assert_classifier_exported(clf, X)


@pytest.mark.parametrize("steps", [2, 16])
def test_flat_branch_on_shorter_and_longer_series_than_at_fit(steps):
    X = padded_data(20, steps=7, features=1)
    reg = ScratchRNNRegressor(hidden_size=3, conv_filters=(), flat_units=5)
    reg = fitted(reg, X, X.sum((1, 2)))
    other = np.random.RandomState(21).randn(N, steps, 1).astype(np.float32)
    (prediction,) = session(reg, dynamic(X)).run(None, {"X": other})
    assert_allclose(prediction, reg.predict(other), rtol=TOLERANCE, atol=TOLERANCE)


# ---------------------------------------------------------- input layouts
def test_channels_first_and_no_input_scaling():
    X = padded_data(11)
    X_cf = np.ascontiguousarray(X.transpose(0, 2, 1))
    clf = ScratchRNNClassifier(
        hidden_size=4, data_format="channels_first", scale_input=False, mask_value=0
    )
    clf = fitted(clf, X_cf, binary_target(X))
    assert clf.input_mean_ is None
    assert_classifier_exported(clf, X_cf, FloatTensorType([None, D, None]))


def test_univariate_2d_input():
    X = padded_data(12, features=1)[:, :, 0]
    reg = fitted(ScratchRNNRegressor(hidden_size=3, mask_value=0.0), X, X.sum(1))
    assert_regressor_exported(reg, X, FloatTensorType([None, T]))


def test_a_float64_model_is_exported_in_float32():
    X = padded_data(13).astype(np.float64) * 1000.0 + 5.0
    X[3] = 5.0  # the padding value
    reg = ScratchRNNRegressor(hidden_size=4, mask_value=5.0, pooling="mean")
    reg = fitted(reg, X, X.sum((1, 2)) / 1000.0)
    assert reg.dtype_ == "float64"
    assert_regressor_exported(reg, X, DoubleTensorType([None, None, D]))


@pytest.mark.parametrize("mask_value", [0.1, np.float64(0.1)])
def test_mask_value_compared_as_numpy_compares_it(mask_value):
    """A Python float is compared in the model's precision (numpy's NEP 50):
    float32 X equals 0.1 where it holds float32(0.1); a numpy float64 never."""
    X = padded_data(14)
    X[0, 3:] = 0.1
    clf = fitted(
        ScratchRNNClassifier(hidden_size=3, mask_value=mask_value), X, binary_target(X)
    )
    assert_classifier_exported(clf, X)
    masks = isinstance(mask_value, float) and not isinstance(mask_value, np.float64)
    # masked: the prediction of the 3 steps alone
    same = np.array_equal(clf.predict_proba(X[:1, :3]), clf.predict_proba(X[:1]))
    assert same == masks


# --------------------------------------------------------------- pipelines
def test_pipeline_of_a_sequence_scaler_and_a_classifier():
    X = padded_data(15) * 50.0
    pipe = make_pipeline(
        SequenceScaler(mask_value=0.0),
        ScratchRNNClassifier(hidden_size=4, mask_value=0.0, scale_input=False),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pipe.fit(X, binary_target(X))
    fitted(pipe[-1], pipe[0].transform(X), binary_target(X))
    run = session(pipe, dynamic(X), zipmap=False)
    label, probabilities = run.run(None, {"X": X})
    assert_allclose(probabilities, pipe.predict_proba(X), atol=TOLERANCE)
    assert_array_equal(label, pipe.predict(X))


# ---------------------------------------------------------------- refusals
def test_what_cannot_be_exported_raises_and_says_why():
    X = padded_data(16)
    with pytest.raises(NotFittedError):
        skl2onnx.to_onnx(ScratchRNNClassifier(), X[:1])
    clf = fitted(ScratchRNNClassifier(hidden_size=2), X, binary_target(X))
    with pytest.raises(NotExportableError, match="needs target_opset >= 18"):
        skl2onnx.to_onnx(clf, X[:1], target_opset=17)
    with pytest.raises(NotExportableError, match="fitted with 3 features per step"):
        session(clf, FloatTensorType([None, T]))
    ids = fitted(
        ScratchRNNClassifier(hidden_size=2, embedding_dim=2),
        token_ids(),
        np.arange(N) % 2,
    )
    with pytest.raises(NotExportableError, match="reads token ids of shape"):
        session(ids, dynamic(X))
    text = make_pipeline(SequenceVectorizer(), ScratchRNNClassifier(embedding_dim=2))
    text.fit(["a good film", "a bad one"] * 3, [1, 0] * 3)
    with pytest.raises(NotExportableError, match="SequenceVectorizer has no ONNX"):
        skl2onnx.to_onnx(
            text,
            initial_types=[("X", skl2onnx.common.data_types.StringTensorType([None]))],
        )


@pytest.mark.parametrize("steps", [1, 10])
def test_other_lengths_than_at_fit(steps):
    X = padded_data(17)
    clf = ScratchRNNClassifier(
        hidden_size=3, bidirectional=True, conv_filters=(2,), conv_kernel_sizes=(3,)
    )
    clf = fitted(clf, X, binary_target(X))
    run = session(clf, dynamic(X), zipmap=False)
    other = np.random.RandomState(18).randn(N, steps, D).astype(np.float32)
    _, probabilities = run.run(None, {"X": other})
    assert_allclose(probabilities, clf.predict_proba(other), atol=TOLERANCE)
