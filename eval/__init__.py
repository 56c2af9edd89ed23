"""Evaluation: scenarios, metrics, the runner and reports; bench holds the benchmarks."""
