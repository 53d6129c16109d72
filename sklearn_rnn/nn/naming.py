"""Weights named by role, and their names in PyTorch.

A network's weights are named by what they do, not by where their layer
sits, so names do not shift when a dropout or pooling layer is added:
``<role>.<k>[.reverse|.norm].<weight>``, where ``k`` counts the layers of
that role from 0 in the order they run:

ours, and PyTorch's name in the ``state_dict`` of a twin model:

- ``embedding.0.embeddings``: ``embedding.0.weight`` (``nn.Embedding``);
- ``rnn.k.kernel``: ``rnn.weight_ih_lk``, transposed;
- ``rnn.k.recurrent_kernel``: ``rnn.weight_hh_lk``, transposed;
- ``rnn.k.bias``: ``rnn.bias_ih_lk`` (LSTM and Elman cells, whose two
  biases are one parameter here: ``bias_ih_lk + bias_hh_lk``);
- ``rnn.k.recurrent_bias`` (GRU): ``rnn.bias_hh_lk``;
- ``rnn.k.reverse.<weight>``: ``rnn.<name>_reverse`` (bidirectional);
- ``conv.j.kernel``: ``conv.j.weight`` = ``kernel.transpose(2, 1, 0)``;
  ``conv.j.bias``: ``conv.j.bias`` (``nn.Conv1d``);
- ``conv.j.norm.gamma``, ``.beta``, ``.running_mean``, ``.running_var``:
  ``conv.j.norm.weight``, ``.bias``, ``.running_mean``, ``.running_var``
  (``nn.BatchNorm1d``);
- ``flat.0.kernel``: ``flat.0.weight``, transposed; ``flat.0.bias``:
  ``flat.0.bias`` (``nn.Linear`` on the batch-major series flattened);
- ``head.i.kernel``: ``head.i.weight``, transposed; ``head.i.bias``:
  ``head.i.bias`` (``nn.Linear``).

Every recurrent layer of a network is one layer of a single PyTorch module
``rnn`` (``nn.RNN``, ``nn.GRU`` or ``nn.LSTM`` with ``num_layers`` and
``bidirectional``), whose equations and gate orders are those of our cells
(r, z, n for the GRU; i, f, g, o for the LSTM); the dense layers, the output
layer last, are ``head.0``, ``head.1``...  A normalisation is named after
the layer it normalises (the layer with weights before it in its branch).

Examples
--------
>>> from sklearn_rnn.nn import SquaredError, build_network
>>> net = build_network(3, 1, SquaredError(), cell="gru", hidden_size=2,
...                     bidirectional=True, conv_filters=(4,),
...                     conv_kernel_sizes=(3,))
>>> net.param_names[:5]
['rnn.0.kernel', 'rnn.0.recurrent_kernel', 'rnn.0.bias', 'rnn.0.recurrent_bias', \
'rnn.0.reverse.kernel']
>>> net.param_names[8:] + net.buffer_names
['conv.0.kernel', 'conv.0.norm.gamma', 'conv.0.norm.beta', 'head.0.kernel', \
'head.0.bias', 'conv.0.norm.running_mean', 'conv.0.norm.running_var']
>>> sorted(torch_state_dict(net))[:3]
['conv.0.norm.bias', 'conv.0.norm.running_mean', 'conv.0.norm.running_var']
>>> torch_state_dict(net)["rnn.weight_ih_l0_reverse"].shape      # (3 H, D)
(6, 3)
"""

import re

#: The roles of the layers with weights (``norm`` only for a normalisation
#: with no layer to be named after).
ROLES = ("embedding", "rnn", "conv", "flat", "head", "norm")


def role_prefixes(layers):
    """``(prefix, layer)`` of every layer with weights or buffers, in the
    order of their parameters (a container's layers in its order).

    Parameters
    ----------
    layers : list of Layer

    Returns
    -------
    list of (str, Layer)
    """
    counts = {}
    named = []

    def walk(sequence):
        previous = None  # the last layer with weights of this sequence
        for layer in sequence:
            if layer.sublayers():
                walk(layer.sublayers())
                continue
            if not (layer.params or layer.buffers):
                continue
            if layer.role == "norm" and previous is not None:
                prefix = f"{previous}.norm"
            else:
                role = layer.role or type(layer).__name__.lower()
                prefix = f"{role}.{counts.setdefault(role, 0)}"
                counts[role] += 1
            named.append((prefix, layer))
            previous = prefix

    walk(layers)
    return named


def role_names(layers):
    """The role names of the parameters and of the buffers of ``layers``.

    Returns
    -------
    param_names, buffer_names : list of str
    """
    named = role_prefixes(layers)
    return (
        [f"{prefix}.{name}" for prefix, layer in named for name in layer.param_names],
        [f"{prefix}.{name}" for prefix, layer in named for name in layer.buffer_names],
    )


def _torch_prefix(prefix):
    """``(torch module path, layer number)``: the recurrent layers are the
    layers of the one module ``rnn``."""
    match = re.fullmatch(r"rnn\.(\d+)", prefix)
    return ("rnn", int(match.group(1))) if match else (prefix, None)


def _torch_name(name, number):
    # A layer's own torch names are those of layer 0 of a stacked module.
    return name if number is None else name.replace("_l0", f"_l{number}")


def torch_state_dict(network):
    """Every weight and buffer of ``network`` under the name a PyTorch twin's
    ``state_dict`` gives it (see the module docstring), as views of the
    network's arrays where the layouts allow it.

    Parameters
    ----------
    network : Network

    Returns
    -------
    dict of str to ndarray
    """
    state = {}
    for prefix, layer in role_prefixes(network.layers):
        path, number = _torch_prefix(prefix)
        for name, array in layer.torch_parameters().items():
            state[f"{path}.{_torch_name(name, number)}"] = array
    return state


def load_torch_state_dict(network, state):
    """Copy a twin's ``state_dict`` (numpy arrays, named as
    :func:`torch_state_dict` names them) into ``network``'s arrays.

    Raises
    ------
    KeyError
        For a name the network needs that ``state`` lacks.
    """
    for prefix, layer in role_prefixes(network.layers):
        path, number = _torch_prefix(prefix)
        layer.load_torch_parameters(
            {
                name: state[f"{path}.{_torch_name(name, number)}"]
                for name in layer.torch_parameters()
            }
        )
