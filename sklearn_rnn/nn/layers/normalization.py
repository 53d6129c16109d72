"""Batch normalisation over the valid steps of a batch of sequences."""

import numpy as np

from .base import Layer

_TINY = np.finfo(np.float64).tiny


class BatchNorm(Layer):
    """``out = gamma * (x - mean) / sqrt(var + eps) + beta``, per channel.

    Normalises each channel of time-major ``(T, N, C)`` sequences (or of
    ``(N, C)`` batches) as ``torch.nn.BatchNorm1d`` does: while training,
    ``mean`` and ``var`` are the batch's (the biased variance) over every
    valid (step, sample) position, and the running estimates move towards
    them, ``running = (1 - momentum) * running + momentum * batch`` (for
    ``running_var``, the unbiased variance as torch takes it, or the biased
    one as Keras does); at inference the running estimates are used.

    **Masks and sample weights.**  Padding steps take no part in the batch
    statistics, so a batch of padded sequences is normalised as its valid
    steps alone would be; their outputs are ``beta`` (not meaningful: every
    consumer ignores padding steps) and they receive no gradient.  With the
    batch's ``sample_weight`` set, the statistics are weighted means: a
    sample of weight 0 takes no part, one of weight 2 counts as two (what
    fitting with sample weights means for scikit-learn estimators).

    Parameters
    ----------
    channels : int
        Features per position (``C``).
    momentum : float, default=0.1
        Weight of the batch statistics in each running-estimate update.
    eps : float, default=1e-5
        Added to the variance before its square root.
    unbiased : bool, default=True
        Whether ``running_var`` takes the batch variance times
        ``n / (n - 1)`` (torch), ``n`` the count of valid positions, or
        Kish's effective count ``(sum w)^2 / sum w^2`` with sample weights.
        False takes the batch variance as it is (Keras), so that weights
        act exactly as repetitions would and only their ratios matter: the
        estimators use False.
    dtype : numpy dtype, default=np.float32
        Dtype of the weights and running statistics.

    Attributes
    ----------
    gamma, beta : ndarray of shape (channels,)
        Trainable scale and shift (torch's ``weight`` and ``bias``).
    running_mean, running_var : ndarray of shape (channels,)
        Non-trainable state (``buffers``), updated by training passes only.

    See Also
    --------
    InstanceNorm : Standardises each sequence over its own steps instead.
    Conv1D : The convolution this layer follows in a convolutional branch.

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
    _caches = ("_normalized", "_inverse_std", "_mask", "_share")
    #: The training batch's sample weights, (N,) or per step (T, N), set by
    #: the network before a training pass (None: all equal): batch
    #: statistics are weighted, so a sample of weight 2 counts as two.
    sample_weight = None

    def __init__(
        self, channels, momentum=0.1, eps=1e-5, unbiased=True, dtype=np.float32
    ):
        super().__init__()
        self.momentum, self.eps, self.unbiased = momentum, eps, unbiased
        self.gamma = np.ones(channels, dtype=dtype)
        self.beta = np.zeros(channels, dtype=dtype)
        self.params = [self.gamma, self.beta]
        self.grads = [np.zeros_like(self.gamma), np.zeros_like(self.beta)]
        self.running_mean = np.zeros(channels, dtype=dtype)
        self.running_var = np.ones(channels, dtype=dtype)
        self.buffers = [self.running_mean, self.running_var]

    def __repr__(self):
        return f"BatchNorm({len(self.gamma)})"

    def _position_weights(self, x, mask):
        """Each (step, sample) position's weight in the batch statistics,
        shaped like ``x`` but for its last axis, or None (all equal): 0 on
        padding, the sample's weight elsewhere (``sample_weight``), in
        float64 (see :meth:`forward`)."""
        weights = None if x.ndim == 2 or mask is None else mask.astype(np.float64)
        if self.sample_weight is not None:
            sample = np.asarray(self.sample_weight, dtype=np.float64)
            if x.ndim == 3 and sample.ndim == 1:  # one weight per sequence
                sample = np.broadcast_to(sample, x.shape[:2])
            weights = sample if weights is None else weights * sample
        return None if weights is None else weights[..., None]

    def forward(self, x, mask=None, training=False):
        """Normalise each channel with the batch's or the running statistics.

        Parameters
        ----------
        x : ndarray of shape (T, N, C) or (N, C)
            Time-major sequences or a batch of rows, ``C = channels``.
        mask : ndarray of shape (T, N) of bool, default=None
            False on padding steps, left out of the batch statistics (and
            given ``beta``); unused for an ``(N, C)`` batch and at inference.
        training : bool, default=False
            Whether to normalise with the batch statistics, update the
            running estimates and keep what :meth:`backward` needs; else the
            running estimates are used and nothing is written.

        Returns
        -------
        out : ndarray of the shape of ``x``
            ``gamma * (x - mean) / sqrt(var + eps) + beta``.
        """
        if not training:
            scale = self.gamma / np.sqrt(self.running_var + self.eps)
            out = x - self.running_mean
            out *= scale
            out += self.beta
            return out
        axes = tuple(range(x.ndim - 1))
        channels = x.shape[-1]
        weights = self._position_weights(x, mask)
        if weights is None:
            count = x.size // channels
            share = 1.0 / count
            mean = x.mean(axis=axes)
            centred = x - mean
            flat = centred.reshape(-1, channels)
            var = np.einsum("ic,ic->c", flat, flat) / count
        else:
            # Each position's share of the statistics, w / sum(w) in float64,
            # so the weights' scale cancels before float32 sees it.
            share = weights / max(weights.sum(), _TINY)
            # Kish's effective count 1 / sum(share^2): the count of
            # equal-weight positions the statistics amount to.
            count = 1.0 / max(np.dot(share.ravel(), share.ravel()), _TINY)
            share = share.astype(x.dtype)
            mean = share.reshape(-1) @ x.reshape(-1, channels)
            centred = x - mean
            flat = centred.reshape(-1, channels)
            var = share.reshape(-1) @ (flat * flat)
        # Padding gets no output of its own.  The mask as floats: numpy
        # multiplies by a bool mask 2x slower.
        valid = None if mask is None or x.ndim == 2 else mask.astype(x.dtype)[..., None]
        if valid is not None:
            centred *= valid
        inverse_std = 1.0 / np.sqrt(var + self.eps)
        normalized = centred
        normalized *= inverse_std
        out = normalized * self.gamma
        out += self.beta
        m = self.momentum
        self.running_mean *= 1 - m
        self.running_mean += m * mean
        self.running_var *= 1 - m
        if self.unbiased:
            var = var * (count / max(count - 1, 1))
        self.running_var += m * var
        self._normalized, self._inverse_std = normalized, inverse_std
        self._mask = valid
        self._share = share
        return out

    def backward(self, dout):
        """Write the gradients of ``gamma`` and ``beta``; return the input's.

        The gradient flows through the batch statistics too (each position's
        share of the mean and variance).

        Parameters
        ----------
        dout : ndarray of the shape of the last training pass's input
            The gradient of the loss w.r.t. that pass's output.

        Returns
        -------
        dx : ndarray of the shape of ``dout`` or None
            The gradient w.r.t. the input, zero on padding steps; None when
            ``input_grad`` is false.
        """
        normalized, valid = self._normalized, self._mask
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
        # dx = gamma / std * (dy - s sum(dy) - s xhat sum(dy xhat)), with s
        # a position's share of the statistics (1 / count without weights);
        # padding gets no gradient.
        dx = normalized * d_gamma
        dx += d_beta
        dx *= self._share
        dx -= dout
        dx *= -(self.gamma * self._inverse_std)
        if valid is not None:
            dx *= valid
        return dx

    def torch_parameters(self):
        """The weights and buffers as ``torch.nn.BatchNorm1d`` names them.

        Returns
        -------
        dict of str to ndarray
            ``weight``, ``bias``, ``running_mean`` and ``running_var`` are
            ``gamma``, ``beta``, ``running_mean`` and ``running_var``, each
            of shape (channels,).
        """
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
        Added to the variance before its square root.

    See Also
    --------
    BatchNorm : Normalises each channel over the whole batch, with weights.
    Parallel : Runs this layer beside the raw series in a convolutional
        branch.

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
        """Standardise each (sequence, channel) over the sequence's valid steps.

        Parameters
        ----------
        x : ndarray of shape (T, N, C)
            Time-major sequences.
        mask : ndarray of shape (T, N) of bool, default=None
            False on padding steps, left out of the statistics.
        training : bool, default=False
            Whether to keep what :meth:`backward` needs (the statistics are
            the sequence's own in either case).

        Returns
        -------
        out : ndarray of shape (T, N, C)
            ``(x - mean) / sqrt(var + eps)``, 0 on padding steps.
        """
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
        """Backpropagate through the standardisation, statistics included.

        Parameters
        ----------
        dout : ndarray of shape (T, N, C)
            The gradient of the loss w.r.t. the output of the last training
            pass.

        Returns
        -------
        dx : ndarray of shape (T, N, C) or None
            The gradient w.r.t. the input, zero on padding steps; None when
            ``input_grad`` is false.
        """
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
