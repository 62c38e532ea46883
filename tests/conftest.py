"""Shared pytest setup.

One torch thread: the machines have 2 cores, and with 2 threads plus another busy
process small-model training collapses (see shared ENGINEERING notes).
"""
import torch

torch.set_num_threads(1)
