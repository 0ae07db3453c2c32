"""The demo and the evidence study (``tools/demo.py``): runs, documents, and the demo
encoders' pre-training."""
