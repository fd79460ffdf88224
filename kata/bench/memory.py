"""Peak memory of a training run, as the operating system counts it (resident set size).

Each row trains in a fresh process. Once its data are loaded, its framework
imported and its network built, the process's peak resident size is reset to
its current size (Linux: ``/proc/self/clear_refs``); after training, the peak
(Linux: ``VmHWM``; elsewhere ``getrusage``'s ``ru_maxrss``) minus that
baseline is the memory the training itself needed: activations, gradients,
velocities, temporaries and the framework's buffers. Where the peak cannot be
reset, the baseline is the peak so far, and the difference is a lower bound.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

MIB = 2**20


def reset_peak() -> bool:
    """Reset the process's peak resident size to its current size; False where the OS does not allow it."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def current_rss_mib() -> float | None:
    """The process's resident size now, in MiB (Linux only)."""
    try:
        resident_pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return None
    return resident_pages * os.sysconf("SC_PAGE_SIZE") / MIB


def peak_rss_mib() -> float | None:
    """The process's peak resident size, in MiB; None where neither Linux's ``/proc`` nor ``resource`` exists.

    On Linux it is ``VmHWM`` (the peak that ``reset_peak`` resets), not
    ``ru_maxrss``: after ``fork`` and ``exec``, ``ru_maxrss`` never falls below
    the parent's size at the time, so a small child of a big parent would
    report the parent's size.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    except (OSError, IndexError, ValueError):
        pass
    try:
        import resource
    except ImportError:
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / MIB if sys.platform == "darwin" else peak / 1024  # bytes on macOS, KiB elsewhere


class PeakMemory:
    """Measures the peak resident size of a block of code above the size it started at.

    ``with PeakMemory() as memory: ...`` then ``memory.as_dict()``.
    """

    def __init__(self) -> None:
        self.method = "unavailable"
        self.baseline_mib: float | None = None
        self.peak_mib: float | None = None

    def __enter__(self) -> PeakMemory:
        if reset_peak() and (baseline := current_rss_mib()) is not None:
            self.method, self.baseline_mib = "resident size, peak reset before training (Linux)", baseline
        elif (baseline := peak_rss_mib()) is not None:
            self.method, self.baseline_mib = "ru_maxrss difference (a lower bound)", baseline
        return self

    def __exit__(self, *exc_info: object) -> None:
        # The kernel updates the peak lazily: it can lag the current size by a page or two.
        sizes = [size for size in (peak_rss_mib(), current_rss_mib()) if size is not None]
        self.peak_mib = max(sizes, default=None)

    @property
    def training_mib(self) -> float | None:
        """Peak minus baseline: the memory the block needed beyond what the process already held."""
        if self.baseline_mib is None or self.peak_mib is None:
            return None
        return max(self.peak_mib - self.baseline_mib, 0.0)

    def as_dict(self) -> dict[str, float | str | None]:
        return {
            "method": self.method,
            "baseline_mib": self.baseline_mib,
            "peak_mib": self.peak_mib,
            "training_mib": self.training_mib,
        }
