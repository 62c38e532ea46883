"""Optimisers, clipping and learning-rate decay written from scratch, each with torch.optim's exact update
(default hyper-parameters, no weight decay), so that both follow the same trajectory to rounding.

An optimiser updates a dict of weights in place from a dict of gradients with the same keys:
`opt.step(params, grads)`; `opt.lr` may be changed between steps (e.g. by `decayed_lr`).
"""
from __future__ import annotations

import math

import numpy as np


class SGD:
    """Stochastic gradient descent with (heavy-ball) momentum, as torch.optim.SGD:
    v ← μ·v + g (v = g at the first step);  w ← w − lr·v.  μ = 0 is plain SGD: w ← w − lr·g."""

    def __init__(self, lr: float, momentum: float = 0.0):
        self.lr, self.momentum = lr, momentum
        self.velocity: dict[str, np.ndarray] = {}

    def step(self, params: dict[str, np.ndarray], grads: dict[str, np.ndarray]) -> None:
        for name, g in grads.items():
            if self.momentum:
                v = self.velocity.get(name)
                v = g.copy() if v is None else self.momentum * v + g
                self.velocity[name] = g = v
            params[name] -= self.lr * g


class RMSprop:
    """RMSprop (Tieleman & Hinton 2012) as torch.optim.RMSprop: s ← α·s + (1 − α)·g²;  d = √s + ε (ε outside
    the root);  without momentum w ← w − lr·g/d, with momentum μ: b ← μ·b + g/d, w ← w − lr·b."""

    def __init__(self, lr: float, alpha: float = 0.99, eps: float = 1e-8, momentum: float = 0.0):
        self.lr, self.alpha, self.eps, self.momentum = lr, alpha, eps, momentum
        self.square_avg: dict[str, np.ndarray] = {}
        self.buffer: dict[str, np.ndarray] = {}

    def step(self, params: dict[str, np.ndarray], grads: dict[str, np.ndarray]) -> None:
        for name, g in grads.items():
            s = self.alpha * self.square_avg.get(name, 0.0) + (1 - self.alpha) * g * g
            self.square_avg[name] = s
            d = np.sqrt(s) + self.eps
            if self.momentum > 0:
                b = self.momentum * self.buffer.get(name, 0.0) + g / d
                self.buffer[name] = b
                params[name] -= self.lr * b
            else:
                params[name] -= self.lr * g / d


class Adam:
    """Adam (Kingma & Ba 2015) with bias correction, as torch.optim.Adam: at step k,
    m ← β₁·m + (1 − β₁)·g;  v ← β₂·v + (1 − β₂)·g²;  w ← w − (lr / (1 − β₁ᵏ)) · m / (√v / √(1 − β₂ᵏ) + ε)."""

    def __init__(self, lr: float, betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8):
        self.lr, self.betas, self.eps = lr, betas, eps
        self.m: dict[str, np.ndarray] = {}
        self.v: dict[str, np.ndarray] = {}
        self.k = 0  # steps taken

    def step(self, params: dict[str, np.ndarray], grads: dict[str, np.ndarray]) -> None:
        beta1, beta2 = self.betas
        self.k += 1
        step_size = self.lr / (1 - beta1**self.k)  # bias correction of m
        root_correction = math.sqrt(1 - beta2**self.k)  # bias correction of v, under the root
        for name, g in grads.items():
            m = beta1 * self.m.get(name, 0.0) + (1 - beta1) * g
            v = beta2 * self.v.get(name, 0.0) + (1 - beta2) * g * g
            self.m[name], self.v[name] = m, v
            params[name] -= step_size * m / (np.sqrt(v) / root_correction + self.eps)


def make_optimizer(name: str, lr: float, momentum: float = 0.0):
    """The optimiser the app's Trainer would build for TrainConfig(optimizer=name, lr=lr, momentum=momentum)."""
    if name == "adam":
        return Adam(lr)
    if name == "sgd":
        return SGD(lr, momentum)
    if name == "rmsprop":
        return RMSprop(lr, momentum=momentum)
    raise ValueError(f"optimizer must be adam, sgd or rmsprop; got {name!r}")


def global_norm(grads: dict[str, np.ndarray]) -> float:
    """‖g‖ over every entry of every gradient."""
    return math.sqrt(math.fsum(float((g * g).sum()) for g in grads.values()))


def clip_by_norm(grads: dict[str, np.ndarray], threshold: float) -> tuple[dict[str, np.ndarray], float]:
    """Rescale all gradients together when their global norm exceeds θ (Pascanu et al. 2013), with
    torch.nn.utils.clip_grad_norm_'s coefficient min(1, θ / (‖g‖ + 10⁻⁶)). Returns (clipped, norm before)."""
    norm = global_norm(grads)
    coef = min(1.0, threshold / (norm + 1e-6))
    return {name: g * coef for name, g in grads.items()}, norm


def clip_by_value(grads: dict[str, np.ndarray], threshold: float) -> dict[str, np.ndarray]:
    """Clamp every entry to [−θ, θ] (min-char-rnn's np.clip(dparam, -5, 5, out=dparam))."""
    return {name: np.clip(g, -threshold, threshold) for name, g in grads.items()}


def decayed_lr(lr: float, decay: float, epoch: int) -> float:
    """The tutorials' time-based decay lr / (1 + k·epoch) (epoch 0: lr itself)."""
    return lr / (1 + decay * epoch)
