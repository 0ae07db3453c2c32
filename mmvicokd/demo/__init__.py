"""The demo and the synthetic benchmark (``tools/demo.py``): runs, summaries, documents."""
