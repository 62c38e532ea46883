"""The numbers every view reads: `unroll` records a model step by step into a `Trace`; `gradients` holds
the backward pass through time, parameter gradient norms, clipping and the W_hh spectrum."""
from .record import Trace, unroll

__all__ = ["Trace", "unroll"]
