"""Experiment bookkeeping outside the library proper: reading runs' test predictions and
comparing runs with paired bootstrap intervals (the evidence study, ``tools/report.py``)."""
