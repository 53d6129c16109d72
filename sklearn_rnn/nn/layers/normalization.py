"""Batch normalisation over the valid steps of a batch of sequences."""

import numpy as np

from .base import Layer


class BatchNorm(Layer):
    """``out = gamma * (x - mean) / sqrt(var + eps) + beta``, per channel.

    Normalises each channel of time-major ``(T, N, C)`` sequences (or of
    ``(N, C)`` batches) as ``torch.nn.BatchNorm1d`` does: while training,
    ``mean`` and ``var`` are the batch's (the biased variance) over every
    valid (step, sample) position, and the running estimates move towards
    them, ``running = (1 - momentum) * running + momentum * batch`` (the
    unbiased variance for ``running_var``); at inference the running
    estimates are used.

    **Masks.**  Padding steps take no part in the batch statistics, so a
    batch of padded sequences is normalised as its valid steps alone would
    be; their outputs are ``beta`` (not meaningful: every consumer ignores
    padding steps) and they receive no gradient.

    Parameters
    ----------
    channels : int
    momentum : float, default=0.1
    eps : float, default=1e-5
    dtype : numpy dtype, default=np.float32

    Attributes
    ----------
    gamma, beta : ndarray of shape (channels,)
        Trainable scale and shift (torch's ``weight`` and ``bias``).
    running_mean, running_var : ndarray of shape (channels,)
        Non-trainable state (``buffers``), updated by training passes only.

    Examples
    --------
    >>> import numpy as np
    >>> layer = BatchNorm(1, dtype=np.float64)
    >>> x = np.array([1.0, 3.0, 100.0]).reshape(3, 1, 1)      # (T, N, C)
    >>> mask = np.array([[True], [True], [False]])
    >>> layer.forward(x, mask, training=True)[:2, 0, 0].round(4)
    array([-1.,  1.])
    >>> layer.running_mean, layer.running_var
    (array([0.2]), array([1.1]))
    """

    param_names = ("gamma", "beta")
    buffer_names = ("running_mean", "running_var")
    #: Named after the layer it normalises (``conv.0.norm``; see
    #: :mod:`sklearn_rnn.nn.naming`).
    role = "norm"
    _caches = ("_normalized", "_inverse_std", "_mask", "_count")

    def __init__(self, channels, momentum=0.1, eps=1e-5, dtype=np.float32):
        super().__init__()
        self.momentum, self.eps = momentum, eps
        self.gamma = np.ones(channels, dtype=dtype)
        self.beta = np.zeros(channels, dtype=dtype)
        self.params = [self.gamma, self.beta]
        self.grads = [np.zeros_like(self.gamma), np.zeros_like(self.beta)]
        self.running_mean = np.zeros(channels, dtype=dtype)
        self.running_var = np.ones(channels, dtype=dtype)
        self.buffers = [self.running_mean, self.running_var]

    def __repr__(self):
        return f"BatchNorm({len(self.gamma)})"

    def forward(self, x, mask=None, training=False):
        if not training:
            scale = self.gamma / np.sqrt(self.running_var + self.eps)
            out = x - self.running_mean
            out *= scale
            out += self.beta
            return out
        axes = tuple(range(x.ndim - 1))
        valid = None if mask is None or x.ndim == 2 else mask[..., None]
        if valid is None:
            count = x.size // x.shape[-1]
            mean = x.mean(axis=axes)
        else:
            count = max(int(mask.sum()), 1)
            mean = np.einsum("tnc,tn->c", x, mask.astype(x.dtype)) / count
        centred = x - mean
        if valid is not None:
            centred *= valid
        flat = centred.reshape(-1, x.shape[-1])
        var = np.einsum("ic,ic->c", flat, flat) / count
        inverse_std = 1.0 / np.sqrt(var + self.eps)
        normalized = centred
        normalized *= inverse_std
        out = normalized * self.gamma
        out += self.beta
        m = self.momentum
        self.running_mean *= 1 - m
        self.running_mean += m * mean
        self.running_var *= 1 - m
        self.running_var += m * var * (count / max(count - 1, 1))
        self._normalized, self._inverse_std = normalized, inverse_std
        self._mask, self._count = valid, count
        return out

    def backward(self, dout):
        normalized, valid, count = self._normalized, self._mask, self._count
        d_gamma, d_beta = self.grads
        if valid is not None:
            dout = dout * valid
        axes = tuple(range(dout.ndim - 1))
        dout.sum(axis=axes, out=d_beta)
        channels = dout.shape[-1]
        np.einsum(
            "ic,ic->c",
            dout.reshape(-1, channels),
            normalized.reshape(-1, channels),
            out=d_gamma,
        )
        if not self.input_grad:
            return None
        # dx = gamma / std * (dy - mean(dy) - xhat * mean(dy * xhat)), the
        # means over valid positions; padding gets no gradient.
        dx = normalized * (d_gamma / count)
        dx -= dout
        dx += d_beta / count
        dx *= -(self.gamma * self._inverse_std)
        if valid is not None:
            dx *= valid
        return dx

    def torch_parameters(self):
        """The weights and buffers as ``torch.nn.BatchNorm1d`` names them:
        ``weight``, ``bias``, ``running_mean``, ``running_var`` are
        ``gamma``, ``beta``, ``running_mean``, ``running_var``."""
        return {
            "weight": self.gamma,
            "bias": self.beta,
            "running_mean": self.running_mean,
            "running_var": self.running_var,
        }


class InstanceNorm(Layer):
    """Standardise each sequence's channels over its own valid steps.

    ``out = (x - mean) / sqrt(var + eps)`` with the mean and (biased)
    variance of each (sequence, channel) over the sequence's valid steps, as
    ``torch.nn.InstanceNorm1d(affine=False)`` computes them; no weights.  A
    branch that reads its input through this layer sees each series' shape,
    whatever its level and scale (which the rest of the network still
    sees).  Padding steps' outputs are 0 and get no gradient.

    Parameters
    ----------
    eps : float, default=1e-5

    Examples
    --------
    >>> import numpy as np
    >>> x = np.array([[[1.0], [100.0]], [[3.0], [300.0]]])  # (T=2, N=2, C=1)
    >>> InstanceNorm().forward(x)[:, :, 0].round(4)
    array([[-1., -1.],
           [ 1.,  1.]])
    """

    _caches = ("_normalized", "_inverse_std", "_valid", "_counts")

    def __init__(self, eps=1e-5):
        super().__init__()
        self.eps = eps

    def __repr__(self):
        return "InstanceNorm()"

    def forward(self, x, mask=None, training=False):
        valid = (
            np.ones(x.shape[:2] + (1,), x.dtype)
            if mask is None
            else mask[..., None].astype(x.dtype)
        )
        counts = np.maximum(valid.sum(axis=0), 1.0)  # (N, 1)
        mean = (x * valid).sum(axis=0) / counts
        centred = (x - mean) * valid
        var = np.einsum("tnc,tnc->nc", centred, centred) / counts
        inverse_std = 1.0 / np.sqrt(var + self.eps)
        normalized = centred * inverse_std
        if training:  # inference keeps nothing on the layer (thread safety)
            self._normalized, self._inverse_std = normalized, inverse_std
            self._valid, self._counts = valid, counts
        return normalized

    def backward(self, dout):
        if not self.input_grad:
            return None
        normalized, valid, counts = self._normalized, self._valid, self._counts
        dout = dout * valid
        # dx = (dy - mean(dy) - xhat * mean(dy * xhat)) / std, means per
        # sequence and channel over valid steps.
        mean_d = dout.sum(axis=0) / counts
        mean_dx = np.einsum("tnc,tnc->nc", dout, normalized) / counts
        dx = dout - mean_d - normalized * mean_dx
        dx *= self._inverse_std
        dx *= valid
        return dx
