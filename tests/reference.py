"""Independent reference computations for the tests: PyTorch's own single-step cell kernels and autograd."""
import torch

from explorer.models.recurrent import RecurrentModel


def autograd_hidden_grads(model: RecurrentModel, x: torch.Tensor, loss_fn) -> torch.Tensor:
    """(L, B, T, H): ∂L/∂h_t of every layer by autograd through torch's fused single-step cell kernels."""
    cfg = model.cfg
    b, t_len, _ = x.shape
    inp, all_h = x, []
    for l in range(cfg.num_layers):
        w = model.recurrent_weights(l)
        args = (w["weight_ih"], w["weight_hh"], w["bias_ih"], w["bias_hh"])
        h = c = torch.zeros(b, cfg.hidden_size)
        hs = []
        for t in range(t_len):
            if cfg.cell == "lstm":
                h, c = torch.lstm_cell(inp[:, t], (h, c), *args)
            elif cfg.cell == "gru":
                h = torch.gru_cell(inp[:, t], h, *args)
            elif cfg.nonlinearity == "tanh":
                h = torch.rnn_tanh_cell(inp[:, t], h, *args)
            else:
                h = torch.rnn_relu_cell(inp[:, t], h, *args)
            hs.append(h)
        all_h += hs
        inp = torch.stack(hs, 1)
    grads = torch.autograd.grad(loss_fn(model.head(inp)), all_h)
    return torch.stack([torch.stack(grads[l * t_len : (l + 1) * t_len], 1) for l in range(cfg.num_layers)])


def autograd_jacobian(model: RecurrentModel, x: torch.Tensor, t: int) -> torch.Tensor:
    """(H, H): ∂h_T/∂h_t of a single-layer model on one sample (x: (1, T, I)), by torch.autograd.functional."""
    h0 = model.rnn(x[:, : t + 1])[0][0, -1].detach()  # h_t

    def run_from(h_t):
        state = h_t.view(1, 1, -1)
        if model.cfg.cell == "lstm":
            raise NotImplementedError("the LSTM state is (h, c): use a GRU or RNN here")
        return model.rnn(x[:, t + 1 :], state)[0][0, -1]

    return torch.autograd.functional.jacobian(run_from, h0)
