"""Training: the trainer that yields one StepStats per step, the bounded history, live chunks, compare and sweep."""
