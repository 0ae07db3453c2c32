"""Fixtures of the data set tests (``recording_root`` is test-wide: tests/conftest.py)."""
import pytest


@pytest.fixture
def data_info(recording_root):
    """``data_info(index, **dataset_kwargs)``: the dataset's data info of one recording."""
    from mmvicokd.datasets.multisensor_home_dataset import MultiSensorHomeDataset

    def make(index: int = 0, **kwargs) -> dict:
        kwargs.setdefault('human_mask_file', 'human_masks.json')
        dataset = MultiSensorHomeDataset(ann_file='train.json', data_root=recording_root,
                                         **kwargs)
        return dataset.get_data_info(index)

    return make
