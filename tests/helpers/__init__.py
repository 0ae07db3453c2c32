"""What several test modules share: tiny configs and runs (``e2e``, ``trained_runs``), launch
variables and a stand-in ``srun`` (``launch``), and a tool runner that is killed while it
writes (``kill_at_replace``)."""
