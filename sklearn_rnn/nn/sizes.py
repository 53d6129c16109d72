"""How many weights and buffers ``build_network`` creates, without building.

Model files are bounded by these counts: a file is refused when the weights
its hyperparameters call for could not fit in it.
"""

from .builder import WINDOW_STATISTICS
from .cells import CELLS


def count_parameters(
    input_size,
    n_outputs,
    *,
    cell="rnn",
    hidden_size=32,
    num_layers=1,
    bidirectional=False,
    dense_layers=(),
    vocab_size=None,
    embedding_dim=None,
    conv_filters=(),
    conv_kernel_sizes=(),
    flat_units=0,
    flat_steps=0,
    downsample=1,
):
    """The number of weights :func:`build_network` creates, without building it.

    The product of the widths of every layer: the embedding table, each
    direction of each recurrent layer with its cell's gates (and recurrent
    bias), each convolution with its normalisation's scale and shift, the
    flat branch's dense layer, each dense layer.  Closed form in
    ``num_layers``, so a huge declared depth costs nothing to count.  The
    other arguments of :func:`build_network` add no weights.  The buffers
    (two per normalised channel) are :func:`count_buffers`.

    Parameters
    ----------
    input_size : int
        Features per time step (ignored when ``embedding_dim`` is set).
    n_outputs : int
        Units of the output layer.
    cell : {"rnn", "gru", "lstm"}, default="rnn"
        The recurrent cell.
    hidden_size : int, default=32
        Units of each recurrent layer (per direction).
    num_layers : int, default=1
        Stacked recurrent layers.
    bidirectional : bool, default=False
        Two directions per recurrent layer.
    dense_layers : tuple of int, default=()
        Sizes of the hidden dense layers.
    vocab_size : int or None, default=None
        Rows of the embedding table (with ``embedding_dim``).
    embedding_dim : int or None, default=None
        Width of the embedding table; None: no table.
    conv_filters : tuple of int, default=()
        Output channels of each convolution of the convolutional branch.
    conv_kernel_sizes : tuple of int, default=()
        Kernel size of each convolution.
    flat_units : int, default=0
        Units of the flat branch's dense layer (0: no branch).
    flat_steps : int, default=0
        The positions the flat branch reads.
    downsample : int, default=1
        Window of the downsampling (more than 1 triples the features).

    Returns
    -------
    int
        The number of weights (a Python int, exact however large).

    See Also
    --------
    build_network : Build the network these weights belong to.

    Examples
    --------
    A GRU of 4 units (12 gate units) on 3 features, with 2 outputs:
    3*12 + 4*12 + 2*12 weights in the GRU, 4*2 + 2 in the output layer.

    >>> count_parameters(3, 2, cell="gru", hidden_size=4)
    118
    >>> count_parameters(3, 2, cell="lstm", hidden_size=10**6, num_layers=10**8)
    800000396000014000002
    """
    count = 0
    if embedding_dim is not None:
        count += vocab_size * embedding_dim
        input_size = embedding_dim
    if downsample > 1:
        input_size *= len(WINDOW_STATISTICS)
    cell_class = CELLS[cell]
    width = cell_class.gates * hidden_size  # every gate's units
    biases = 2 if cell_class.has_recurrent_bias else 1
    directions = 2 if bidirectional else 1

    def one_direction(size_in):  # kernel, recurrent kernel, biases
        return size_in * width + hidden_size * width + biases * width

    count += directions * one_direction(input_size)
    count += (num_layers - 1) * directions * one_direction(directions * hidden_size)
    channels = 2 * input_size  # the series and its shape
    if flat_units:
        count += (flat_steps * input_size + 1) * flat_units
    input_size = directions * hidden_size + flat_units
    for filters, kernel_size in zip(conv_filters, conv_kernel_sizes):
        count += kernel_size * channels * filters + 2 * filters  # gamma, beta
        channels = filters
    if conv_filters:
        input_size += channels
    for units in (*dense_layers, n_outputs):
        count += input_size * units + units
        input_size = units
    return count


def count_buffers(conv_filters=()):
    """The number of buffer values :func:`build_network` creates: each
    normalised channel's running mean and variance.

    Examples
    --------
    >>> count_buffers((32, 64, 32))
    256
    """
    return 2 * sum(conv_filters)
