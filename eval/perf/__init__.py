"""Benchmarks, run as ``python -m eval.perf NAME --json``: figures, never timed tests."""
