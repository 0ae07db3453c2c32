"""Experiment bookkeeping, kept out of the library proper: what a run is (``run_info``), reading
work dirs and logs (``run_logs``), means over seeds (``seed_summary``), the paper's tables
(``result_tables``), test predictions and paired bootstrap comparisons (``predictions``,
``bootstrap``, ``paired_comparisons``), what each loss term acts on (``mechanism``,
``feature_gaps``), the demo and study drivers (``demo/``) and the speed measurements of
``tools/benchmark.py`` (``speed/``)."""
