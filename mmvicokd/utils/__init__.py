"""Small utilities."""
from .cpu_dist import needs_cpu_dist, setup_cpu_dist, shutdown_dist  # noqa: F401
