"""The measured paths of ``tools/benchmark.py``, one module per section."""
