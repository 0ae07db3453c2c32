_base_ = [
    '../_base_/models/multitsf.py', '../_base_/datasets/multisensor_home1.py',
    '../_base_/schedules/adam_cosine_100e.py', '../_base_/default_runtime.py'
]
