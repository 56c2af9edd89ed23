"""How many CPU threads llama.cpp generates and reads prompts with."""

from __future__ import annotations

import os

THREADS_ENV = "DOMOVOY_LLAMA_THREADS"  # generation threads, where the default does not suit


def default_threads() -> int:
    """llama.cpp's threads: the physical cores, but never every logical one. Its threads spin
    while they wait, so taking every core leaves the window, the audio and the memory none, and
    they stutter; hyper-threads do not make generation faster."""
    import psutil

    if os.environ.get(THREADS_ENV, "").isdigit():
        return max(1, int(os.environ[THREADS_ENV]))
    logical = os.cpu_count() or 2
    physical = psutil.cpu_count(logical=False) or logical
    return max(1, min(physical, logical - 1))


def batch_threads() -> int:
    """Prompt processing's threads: every physical core. A prompt is a short burst of dense
    work that scales with cores (half the time on two cores instead of one), unlike token
    generation, whose threads spin between tokens for as long as the reply lasts."""
    import psutil

    return max(1, psutil.cpu_count(logical=False) or os.cpu_count() or 1)
