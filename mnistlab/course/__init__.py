"""The course notebook as the dashboard knows it: its printed numbers, their explained differences,
its training loop, and the reproduction of its results."""
