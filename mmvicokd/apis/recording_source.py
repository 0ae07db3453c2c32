"""Where the views of a recording come from: an annotation entry, or bare video files."""
import os.path as osp
from typing import Optional, Sequence

from mmengine.config import Config

from ..datasets.functional import recording_id_from_url
from ..datasets.multisensor_home_dataset import MULTISENSOR_HOME_CLASSES, MultiSensorHomeDataset
from .recording_inference import recording_info


def config_test_dataset(cfg: Config) -> dict:
    """The test (else validation) dataset config of ``cfg`` (empty if none)."""
    for loader in ('test_dataloader', 'val_dataloader'):
        dataset = cfg.get(loader, {}).get('dataset')
        if dataset:
            return dict(dataset)
    return {}


def config_classes(cfg: Config) -> list:
    """Class names of the config's test set (the 16 MultiSensor-Home ones by default)."""
    return list(config_test_dataset(cfg).get('classes') or MULTISENSOR_HOME_CLASSES)


def dataset_recording(cfg: Config, recording_id: str, ann_file: Optional[str] = None,
                      data_root: Optional[str] = None) -> dict:
    """:func:`recording_info` of one entry of an annotation file, with the entry's ``tricks``
    (``dict(start, end, labels)``, labels as class indices).

    ``ann_file`` / ``data_root`` default to the config's test set; its ``classes``, ``views``
    and ``fps`` are used. Human masks are not read. ``recording_id`` is an entry's id, or the
    end of exactly one (``'3-Part1'`` for ``'01/3-Part1'``: the id bare videos get).

    Raises:
        KeyError: no entry (or several) has ``recording_id`` (the message gives a few that
            exist).
    """
    ds = config_test_dataset(cfg)
    ann_file = ann_file or ds.get('ann_file')
    data_root = data_root if data_root is not None else ds.get('data_root', '')
    if not ann_file:
        raise ValueError('a recording id needs an annotation file (the config names no test '
                         'ann_file; pass --ann-file)')
    dataset = MultiSensorHomeDataset(ann_file=ann_file, data_root=data_root,
                                     classes=ds.get('classes'), views=ds.get('views'),
                                     fps=ds.get('fps', 2.5))
    ids = [dataset.get_data_info(i)['recording_id'] for i in range(len(dataset))]
    matches = [recording_id] if recording_id in ids else \
        [i for i in ids if i.endswith('/' + recording_id)]
    if len(matches) != 1:
        raise KeyError(f'recording {recording_id!r} is {"ambiguous" if matches else "not"} in '
                       f'{dataset.ann_file} (it has {len(ids)} recordings, e.g. '
                       f'{(matches or ids)[:5]})')
    entry = dataset.get_data_info(ids.index(matches[0]))
    info = recording_info(entry['recording_id'], entry['filenames'], entry['views'],
                          entry['fps'], entry['ann_file'])
    return dict(info, tricks=entry['tricks'])


def videos_recording(cfg: Config, videos: Sequence[str], fps: float) -> dict:
    """:func:`recording_info` of bare videos, one per view in view order (no annotation).

    The recording id is the first video's name without extension and ``-View1`` token; the
    views are the config's test-set ``views`` when they are as many, else 1..N.
    """
    views = config_test_dataset(cfg).get('views')
    if not views or len(views) != len(videos):
        views = list(range(1, len(videos) + 1))
    name = recording_id_from_url(osp.basename(videos[0]))
    return recording_info(name, [osp.abspath(v) for v in videos], views, fps,
                          'command line --videos')
