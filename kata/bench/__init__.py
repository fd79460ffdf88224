"""How fast is NumPy? The reference MLP and CNN timed against scikit-learn and PyTorch.

``nox -s bench`` (or ``python -m kata.bench``) trains each network for a few
epochs with every framework on this machine, in one run, and reports epoch
times, test accuracies, peak memory, ratios to the reference, the machine's
float32 matrix-multiply throughput and a profile of the NumPy CNN's epoch.
See ``kata/bench/command.py`` for the options and the files it writes.
"""
