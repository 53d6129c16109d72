"""ONNX export of the estimators, through skl2onnx (the ``[onnx]`` extra).

Importing this module registers converters with skl2onnx (:func:`register`
does it again, e.g. after another library replaced them), so that
``skl2onnx.to_onnx(est, X[:1])`` converts a fitted
:class:`~sklearn_rnn.ScratchRNNClassifier` or
:class:`~sklearn_rnn.ScratchRNNRegressor`, alone or as the last step of a
``Pipeline`` (after a :class:`~sklearn_rnn.preprocessing.SequenceScaler`,
for instance).  ``import sklearn_rnn`` does not import onnx.

The exported graph reads what ``predict`` reads as a dense array and gives
what ``predict`` and ``predict_proba`` give, to float32 precision; see the
README's "ONNX export" for the contract.  What ONNX cannot express exactly
raises :class:`NotExportableError` (a ValueError) naming it.

Examples
--------
>>> import numpy as np
>>> import onnxruntime
>>> import skl2onnx
>>> import sklearn_rnn.onnx
>>> from sklearn_rnn import ScratchRNNClassifier
>>> rng = np.random.RandomState(0)
>>> X = rng.randn(40, 6, 2).astype(np.float32)
>>> clf = ScratchRNNClassifier(hidden_size=4, max_iter=2, random_state=0)
>>> clf = clf.fit(X, X[:, :, 0].sum(1) > 0)
>>> onx = skl2onnx.to_onnx(clf, X[:1], options={"zipmap": False})
>>> session = onnxruntime.InferenceSession(onx.SerializeToString())
>>> label, probabilities = session.run(None, {"X": X})
>>> bool(np.abs(probabilities - clf.predict_proba(X)).max() < 1e-5)
True
"""

from ._graph import NotExportableError
from ._registration import register

__all__ = ["NotExportableError", "register"]

register()
