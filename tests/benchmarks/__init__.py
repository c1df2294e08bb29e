"""Benchmarks: run with ``make bench`` (``python -m tests.benchmarks.bench``); never collected by pytest."""
