"""MultiSensor-Home data: dataset, transforms, synthetic generator, split."""
from . import multisensor_home_dataset  # noqa: F401
from . import transforms  # noqa: F401
from .split import class_counts, load_annotation_file, split_annotations  # noqa: F401
from . import synthetic  # noqa: F401
