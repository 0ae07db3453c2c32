"""What several test modules share: tiny configs and runs (``e2e``, ``trained_runs``), every
config's model with tiny encoders and a batch of its pipeline (``config_models``), one
2-process training shared by the launcher and distributed tests (``dist_runs``), launch
variables, launcher scripts and a stand-in ``srun`` (``launch``), and a tool runner that is
killed while it writes (``kill_at_replace``)."""
