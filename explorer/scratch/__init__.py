"""Recurrent networks written from scratch in numpy (float64), with hand-written backpropagation through time,
optimisers and a training loop: the networks of the numpy tutorials, checked number by number against PyTorch.

    from explorer import scratch
    net = scratch.from_torch(model)          # numpy copy of the app's model (rnn / lstm / gru / peephole)
    cache = net.forward(x)                   # x (B, T, I); cache.outputs (B, T, O), cache.hidden (L, B, T, H)
    grads, dh = net.backward(cache, d_out)   # d_out = ∂L/∂outputs; grads keyed like model.named_parameters()
    scratch.to_torch(net, model)             # and back: the numpy weights into the torch model

Row vectors and the tutorials' layout. PyTorch writes a cell for one column vector, W_ih x + b_ih, and stores
W_ih with shape (H, I) (for an LSTM or GRU, (4H, I) or (3H, I): the gates' blocks stacked along dim 0). A numpy
batch is a stack of row vectors, x (B, I), so the same product for every row at once is x @ W_ih.T (B, H).
Many numpy tutorials instead store the transposed matrix, W_xh = W_ih.T with shape (I, H), and write x @ W_xh;
the numbers are the same, only the storage is transposed. Here the weights keep PyTorch's names and shapes, so
they copy to and from the app's model unchanged and every product reads x @ W.T; a gradient dW has W's shape
(dW_hh = dh_raw.T @ h_prev, where a tutorial with W_hh stored as (H, H)ᵀ writes h_prevᵀ · dh_raw).

Modules: the cells, one step forward and backward each (rnn, lstm, gru, gru_textbook, peephole); loop (the
loops over time and layers, the head, the losses); net (Net, Cache, Backward); convert (to and from torch);
optim (SGD, RMSprop, Adam, clipping, the 1/(1 + k·epoch) decay); train (a training loop on the app's tasks);
gradcheck (central differences); verify (autograd, for the checks); walkthrough and script (the By hand page's
numbers, code lines and the downloadable script).
"""
from .convert import from_state_dict, from_torch, to_torch
from .net import Backward, Cache, Net

__all__ = ["Backward", "Cache", "Net", "from_state_dict", "from_torch", "to_torch"]
