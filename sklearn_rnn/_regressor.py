"""ScratchRNNRegressor: its hyperparameters and their documentation.

The fit and predict machinery is ``RecurrentRegressorBase`` (``_regression.py``).
"""

from ._params import REGRESSOR_CONSTRAINTS
from ._regression import RecurrentRegressorBase
from .persistence import register_model_class


@register_model_class
class ScratchRNNRegressor(RecurrentRegressorBase):
    """Recurrent neural network regressor trained by backpropagation through time.

    Reads each input sequence with one or more recurrent layers (Elman
    SimpleRNN [1]_, GRU [2]_ or LSTM [3]_ cells, written in NumPy),
    summarises it (last state, mean or max over the valid steps), and maps
    it through dense layers to one or more real outputs, trained on the
    half squared error of standardised targets; or, with
    ``return_sequences=True``, predicts at every time step. The network's
    shape is named as PyTorch's ``nn.RNN`` names it, training as
    :class:`~sklearn.neural_network.MLPRegressor` names it.

    Read more in the :ref:`User Guide <input_layouts>`.

    Parameters
    ----------
    hidden_size : int, default=16
        Number of recurrent units H of each recurrent layer (per direction).
        16 beside the default convolutional branch, which carries most of
        what a univariate series holds; a recurrent network alone
        (``conv_filters=()``) usually wants more (32 to 128).
    cell : {"gru", "rnn", "lstm"}, default="gru"
        The recurrent cell: "rnn" is the Elman SimpleRNN of the course
        (``activation`` applies to it), "gru" and "lstm" are gated cells with
        PyTorch's equations and gate order (:class:`~sklearn_rnn.nn.cells.GRUCell`,
        :class:`~sklearn_rnn.nn.cells.LSTMCell`). The GRU's gates keep
        gradients alive over long series where the Elman cell's vanish.
    num_layers : int, default=1
        Number of stacked recurrent layers.
    bidirectional : bool, default=False
        Read each sequence in both directions and concatenate the two states.
    activation : {"tanh", "sigmoid", "relu", "identity"}, default="tanh"
        Activation f of ``cell="rnn"``, ``h_t = f(x_t Wx + h_{t-1} Wh + b)``;
        the gated cells ignore it.
    pooling : {"last", "mean", "max"}, default="last"
        How the states are summarised for one prediction per sequence: the
        last valid state, or the mean or maximum over the valid
        (non-padding) steps. Ignored with ``return_sequences=True``.
    return_sequences : bool, default=False
        Many-to-many: one target per time step; ``y`` has shape
        (n_samples, n_timesteps) or (n_samples, n_timesteps, n_outputs), or
        is a ragged list matching a ragged ``X``.
    dense_layers : tuple of int, default=()
        Sizes of hidden dense layers between the recurrent summary and the
        output layer.
    dense_activation : {"relu", "tanh", "sigmoid", "identity"}, default="relu"
        Activation of the hidden dense layers of ``dense_layers``.
    conv_filters : tuple of int or "auto", default="auto"
        Output channels of each convolution of a convolutional branch that
        reads the input beside the recurrent layers, as GRU-FCN and LSTM-FCN
        do [4]_: the branch reads each series as it is and standardised over
        its own valid steps (its shape, whatever its level and scale), then
        per entry a ``Conv1D`` ("same" padding), batch normalisation and a
        ReLU, then takes the mean over the valid steps, concatenated with
        the recurrent summary. () has no branch; "auto" is (32, 64, 32) for
        dense input and () for token ids (``embedding_dim`` set).
    conv_kernel_sizes : tuple of int, default=(8, 5, 3)
        Kernel size (time steps) of each convolution, one per entry of
        ``conv_filters`` (FCN's sizes); unused without a branch.
    flat_units : int, default=0
        Units of a flat branch beside the recurrent layers: a dense layer
        (``dense_activation``) over the whole series flattened, each
        (downsampled) valid step at its position, as an MLP reads a series.
        It sees where in the series a value lies, which the recurrent and
        convolutional summaries do not; it reads ``flat_steps_`` steps (the
        longest training sequence), zero-padding shorter sequences and
        dropping the steps of longer ones.  0 has no branch.  Not with
        ``return_sequences``.
    downsample : int or "auto", default="auto"
        Read every window of ``downsample`` consecutive valid steps as one
        step: its mean, maximum and minimum (three features per input
        feature; the maximum and minimum keep the short spikes a mean
        flattens), so every layer reads, and costs, that many times fewer
        steps. "auto" picks the smallest factor that reads the longest
        training sequence in at most 128 steps, which bounds what a sequence
        costs (1 for token ids and with ``return_sequences``); the factor
        used is ``downsample_``. 1 reads every step as it is.
    dropout : float in [0, 1), default=0.0
        Dropout rate on the connections between layers, in training only.
    bptt_truncate : int or None, default=None
        Truncated backpropagation through time: gradients do not cross
        windows of this many steps. None back-propagates through every step.
    embedding_dim : int or None, default=None
        If set, ``X`` holds integer token ids (2-D or ragged), read through
        an embedding table of this width; id 0 is padding (masked), ids at or
        beyond ``vocab_size_`` read the out-of-vocabulary row 1.
    vocab_size : int or None, default=None
        Rows of the embedding table. None uses the rows of ``embeddings`` if
        given, else the largest id seen at fit + 1 (a table that would need
        more than 1 GiB is refused: pass ``vocab_size``, e.g. a vectorizer's
        ``n_tokens_``).
    embeddings : array-like of shape (vocab_size, embedding_dim), default=None
        Initial embedding table, row ``i`` for token id ``i`` (e.g. word
        vectors from :func:`~sklearn_rnn.text.load_word_vectors`), as
        PyTorch's ``nn.Embedding.from_pretrained``; None draws it at random.
        Like ``init``, it initialises a new network only. Copied, never
        modified.
    freeze_embeddings : bool, default=False
        Never train the embedding table (PyTorch's ``freeze=True``): it keeps
        its initial values through ``fit``, warm starts and ``partial_fit``.
    mask_value : float or None, default=None
        Time steps whose features all equal this value are padding, as in
        Keras' ``Masking`` layer: the recurrent state is carried through them
        unchanged. None treats every step as data.
    scale_input : bool, default=True
        Standardise each input feature with its mean and standard deviation
        over the valid steps of the first fit's sequences (``input_mean_``,
        ``input_scale_``), as :class:`~sklearn_rnn.preprocessing.SequenceScaler`
        would. Token ids are never scaled.
    init : {"xavier", "he", "normal", "orthogonal"}, default="xavier"
        Initializer of the input and dense kernels ("normal" is N(0, 0.01²)).
    recurrent_init : {"orthogonal", "xavier", "he", "normal"}, \
            default="orthogonal"
        Initializer of the recurrent kernels.
    solver : {"adam", "sgd", "momentum", "adagrad", "rmsprop", "rprop"}, \
            default="adam"
        The optimizer (:mod:`sklearn_rnn.nn.optimizers`); "rprop" always
        trains on the full batch.
    learning_rate : {"constant", "adaptive"}, default="adaptive"
        "adaptive" divides the learning rate by 5 each time
        ``n_iter_no_change`` epochs pass without a ``tol`` improvement, and
        stops once it would fall below 1% of ``learning_rate_init``, as
        scikit-learn's MLP does; "constant" stops at the first such plateau.
        Either multiplies the schedule of ``learning_rate_decay``.
    learning_rate_init : float, default=0.003
        Step size of the first epoch.
    learning_rate_decay : float in (0, 1], default=1.0
        Epoch ``k`` (counted from 0 over warm starts and ``partial_fit``)
        uses ``learning_rate_init * learning_rate_decay**k``, as PyTorch's
        ``ExponentialLR``; 1.0 keeps it constant.
    momentum : float in [0, 1), default=0.9
        Momentum of ``solver="momentum"``.
    beta_1 : float in [0, 1), default=0.9
        Decay rate of Adam's first-moment estimates.
    beta_2 : float in [0, 1), default=0.999
        Decay rate of Adam's second-moment estimates.
    epsilon : float, default=1e-8
        Numerical stability term of Adam, AdaGrad and RMSprop.
    alpha : float, default=0.0
        L2 penalty ``0.5 * alpha * ||W||²`` on the recurrent, convolution
        and dense weight matrices (not on biases nor the embedding table).
    clip_norm : float or None, default=5.0
        Rescale the gradient whenever its global norm exceeds this value.
        None never clips.
    recurrent_max_norm : float or None, default=None
        After every update, rescale each recurrent kernel whose spectral norm
        exceeds this value back to it (:mod:`sklearn_rnn.nn.constraints`).
        1.0 keeps a linear recurrence (``activation="identity"``) from
        exploding over long sequences.
    batch_size : int or "auto", default=32
        Mini-batch size (at most ``n_samples``; an epoch's batches have even
        sizes, e.g. 17 and 16 for 33 samples); "auto" is
        ``min(200, n_samples)``, as in ``MLPRegressor``.
    max_iter : int, default=300
        Maximum number of epochs of ``fit``.
    shuffle : bool, default=True
        Shuffle the samples every epoch (sequences of different lengths are
        then batched by similar length).
    tol : float, default=1e-4
        Minimum improvement of the training loss (or of the validation
        score, with ``early_stopping``) that counts as one.
    n_iter_no_change : int, default=20
        Epochs without a ``tol`` improvement before training stops (or, with
        ``learning_rate="adaptive"``, before the rate is divided).
    early_stopping : bool or "auto", default="auto"
        Hold out ``validation_fraction`` of the training data, stop when its
        R² stalls, and restore the weights of the best epoch; the first
        candidate is the training mean, so a fit whose epochs all score worse
        predicts that constant: the default never does worse than the mean
        on its own validation split. "auto" holds out the split once it
        would hold 10 samples (50 training samples with the default
        ``validation_fraction``); fewer make a noisy judge. Not used by
        ``partial_fit``.
    validation_fraction : float in (0, 1), default=0.2
        Fraction of the training data held out for ``early_stopping``: 0.2
        rather than the classifier's 0.1, as early stopping is on by default
        and judges every epoch on it (on Covid3Month's 140 training series,
        3-fold cross-validated RMSE 0.041 against 0.042 with 0.1).
    random_state : int, RandomState instance or None, default=None
        Seeds the initialisation, shuffling, dropout and the validation
        split: two fits with the same seed are identical.
    verbose : bool or int, default=False
        Print one line per epoch (loss, validation score, seconds).
    warm_start : bool, default=False
        ``fit`` continues from the previous fit's weights and optimizer
        state. If a hyperparameter that shapes the network changed since, a
        new network is trained instead, with a warning.
    dtype : {"auto", "float32", "float64"}, default="auto"
        Precision of the weights and computations. "auto" follows ``X``:
        float32 ``X`` trains in float32, any other numeric ``X`` in float64,
        token ids in float32. The precision used is ``dtype_``.
    data_format : {"channels_last", "channels_first"}, default="channels_last"
        Which axis of 3-D ``X`` is time: "channels_last" reads (n_samples,
        n_timesteps, n_features), "channels_first" (n_samples, n_features,
        n_timesteps), sktime's numpy3D layout (items of a ragged list
        likewise). 2-D ``X`` is univariate either way.
    scale_target : bool, default=True
        Standardise each output inside ``fit`` (weighted mean 0, standard
        deviation 1 over the training targets, ``y_mean_`` and ``y_scale_``)
        and predict in the units of ``y``, as
        ``TransformedTargetRegressor(transformer=StandardScaler())`` would;
        ``loss_curve_`` is then in the standardised units. False trains on
        ``y`` as it is.

    Attributes
    ----------
    n_outputs_ : int
        Number of regression targets.
    y_mean_ : ndarray of shape (n_outputs,)
        Mean of each target (0 with ``scale_target=False``).
    y_scale_ : ndarray of shape (n_outputs,)
        Standard deviation of each target (1 where it is 0, or with
        ``scale_target=False``).
    dtype_ : str
        The precision the network computes in, "float32" or "float64".
    vocab_size_ : int or None
        Rows of the embedding table (None without ``embedding_dim``).
    downsample_ : int
        The downsampling factor in use (``downsample``, "auto" resolved).
    flat_steps_ : int
        The steps the flat branch reads (``flat_units``): the longest
        training sequence's, after downsampling; 0 without a branch.
    input_mean_ : ndarray of shape (n_step_features,) or None
        Mean of each input feature (``scale_input``); None without scaling.
    input_scale_ : ndarray of shape (n_step_features,) or None
        Standard deviation of each input feature (1 where it is 0).
    network_ : Network
        The trained layers (:class:`~sklearn_rnn.nn.Network`).
    loss_curve_ : list of float
        Mean training loss of each epoch.
    batch_loss_curve_ : list of float or None
        Training loss of each mini-batch step, in order; None for a model
        loaded from a file written before these were recorded.
    batches_per_epoch_ : list of int or None
        Number of mini-batch steps of each epoch of ``loss_curve_``.
    validation_scores_ : list of float or None
        Validation R² of each epoch with ``early_stopping``, else None.
    best_validation_score_ : float or None
        Best validation R² with ``early_stopping``, else None.
    best_loss_ : float
        Lowest mean training loss of an epoch trained without
        ``early_stopping`` (which tracks the validation score instead); inf
        if there is none.
    n_iter_ : int
        Epochs run, cumulative over warm starts and ``partial_fit``.
    t_ : int
        Training samples seen, cumulative likewise.
    n_features_in_ : int
        Columns of a 2-D ``X`` (time steps) or features per step of a 3-D
        ``X``.
    n_step_features_ : int
        Features per time step.
    feature_names_in_ : ndarray of shape (n_features_in,)
        Names of the columns of a DataFrame ``X`` whose columns are all
        strings; defined only then.

    See Also
    --------
    ScratchRNNClassifier : The recurrent classifier.
    sklearn_rnn.sktime.RNNRegressor : This regressor as an sktime regressor.
    sklearn.neural_network.MLPRegressor : The feed-forward regressor.

    References
    ----------
    .. [1] Elman, J. L. (1990). Finding structure in time. *Cognitive
       Science*, 14(2), 179-211.
    .. [2] Cho, K., van Merriënboer, B., Gulcehre, C., Bahdanau, D.,
       Bougares, F., Schwenk, H., and Bengio, Y. (2014). Learning phrase
       representations using RNN encoder-decoder for statistical machine
       translation. *EMNLP 2014*, 1724-1734.
    .. [3] Hochreiter, S., and Schmidhuber, J. (1997). Long short-term
       memory. *Neural Computation*, 9(8), 1735-1780.
    .. [4] Karim, F., Majumdar, S., Darabi, H., and Chen, S. (2018). LSTM
       fully convolutional networks for time series classification. *IEEE
       Access*, 6, 1662-1669.

    Examples
    --------
    Count the ones in binary sequences with a linear RNN of one unit (the
    course's task, trained with full-batch Rprop):

    >>> import numpy as np
    >>> from sklearn_rnn import ScratchRNNRegressor
    >>> rng = np.random.RandomState(0)
    >>> X = rng.randint(0, 2, size=(100, 10)).astype(float)
    >>> reg = ScratchRNNRegressor(cell="rnn", hidden_size=1,
    ...                           activation="identity", conv_filters=(),
    ...                           solver="rprop", learning_rate_init=0.01,
    ...                           max_iter=300, random_state=0)
    >>> reg = reg.fit(X, X.sum(axis=1))
    >>> round(float(reg.predict([[1.0] * 10])[0]))
    10
    """

    _parameter_constraints = REGRESSOR_CONSTRAINTS

    # The estimator spells out its signature, as scikit-learn's MLPRegressor
    # does, so that editors, ``help`` and ``inspect.signature`` show it; the
    # list is the one duplication with ScratchRNNClassifier.__init__ (each
    # estimator keeps its own defaults).
    def __init__(
        self,
        hidden_size=16,
        *,
        cell="gru",
        num_layers=1,
        bidirectional=False,
        activation="tanh",
        pooling="last",
        return_sequences=False,
        dense_layers=(),
        dense_activation="relu",
        conv_filters="auto",
        conv_kernel_sizes=(8, 5, 3),
        flat_units=0,
        downsample="auto",
        dropout=0.0,
        bptt_truncate=None,
        embedding_dim=None,
        vocab_size=None,
        embeddings=None,
        freeze_embeddings=False,
        mask_value=None,
        scale_input=True,
        init="xavier",
        recurrent_init="orthogonal",
        solver="adam",
        learning_rate="adaptive",
        learning_rate_init=0.003,
        learning_rate_decay=1.0,
        momentum=0.9,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        alpha=0.0,
        clip_norm=5.0,
        recurrent_max_norm=None,
        batch_size=32,
        max_iter=300,
        shuffle=True,
        tol=1e-4,
        n_iter_no_change=20,
        early_stopping="auto",
        validation_fraction=0.2,
        random_state=None,
        verbose=False,
        warm_start=False,
        dtype="auto",
        data_format="channels_last",
        scale_target=True,
    ):
        super().__init__(
            hidden_size,
            cell=cell,
            num_layers=num_layers,
            bidirectional=bidirectional,
            activation=activation,
            pooling=pooling,
            return_sequences=return_sequences,
            dense_layers=dense_layers,
            dense_activation=dense_activation,
            conv_filters=conv_filters,
            conv_kernel_sizes=conv_kernel_sizes,
            flat_units=flat_units,
            downsample=downsample,
            dropout=dropout,
            bptt_truncate=bptt_truncate,
            embedding_dim=embedding_dim,
            vocab_size=vocab_size,
            embeddings=embeddings,
            freeze_embeddings=freeze_embeddings,
            mask_value=mask_value,
            scale_input=scale_input,
            init=init,
            recurrent_init=recurrent_init,
            solver=solver,
            learning_rate=learning_rate,
            learning_rate_init=learning_rate_init,
            learning_rate_decay=learning_rate_decay,
            momentum=momentum,
            beta_1=beta_1,
            beta_2=beta_2,
            epsilon=epsilon,
            alpha=alpha,
            clip_norm=clip_norm,
            recurrent_max_norm=recurrent_max_norm,
            batch_size=batch_size,
            max_iter=max_iter,
            shuffle=shuffle,
            tol=tol,
            n_iter_no_change=n_iter_no_change,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            random_state=random_state,
            verbose=verbose,
            warm_start=warm_start,
            dtype=dtype,
            data_format=data_format,
        )
        self.scale_target = scale_target
