"""Makers of tiny *real* models for tests, the demo and benchmarks: seeded and deterministic.

Their words are noise, but every library that runs them is the real one.
"""

from models.testing.tiny_gguf import TINY_MODELS, TinyGGUF, make_tiny_gguf

__all__ = ["TINY_MODELS", "TinyGGUF", "make_tiny_gguf"]
