"""The sections of ``tools/gpu_check.py``, one module per concept: the sizes (``settings``), the
device and its record (``environment``), timing on a device (``device_timing``), the step's
precision (``step_precision``), the real-size models from weight files (``loaded_models``), the
five sections (``paper_batch``, ``bf16_agreement``, ``data_vs_compute`` with ``real_format_set``,
``loader_throughput`` and ``cores_per_gpu``, ``inference_speed``, ``launcher_run``), the report
(``check_table``) and the run (``check_run``). The JSON schema is in ``tools/gpu_check.py``."""
