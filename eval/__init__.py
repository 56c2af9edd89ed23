"""Evaluation: scenarios, metrics, the runner and reports; eval/perf holds the benchmarks."""
