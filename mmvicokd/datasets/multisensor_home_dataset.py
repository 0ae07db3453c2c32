"""MultiSensor-Home multi-view audio-visual recordings (docs/design.md section 2)."""
import logging
import math
import os.path as osp
import re
from collections import Counter
from typing import Sequence

import numpy as np
import torch
from mmaction.registry import DATASETS
from mmengine.dataset import BaseDataset
from mmengine.logging import print_log

from .functional import recording_id_from_url, sequence_label
from .split import read_json

MULTISENSOR_HOME_CLASSES = (
    'AdjustAC', 'Clean', 'CleanVacuum', 'CloseCurtain', 'Drink', 'Eat', 'Enter', 'Exit',
    'OpenCurtain', 'ReadBook', 'Sitdown', 'Standup', 'TurnOffLamp', 'TurnOnLamp', 'UseLaptop',
    'UsePhone')

_VIEW_KEY = re.compile(r'^video_url_(\d+)$')


@DATASETS.register_module()
class MultiSensorHomeDataset(BaseDataset):
    """One sample per recording: V synchronised views, each an mp4 with its own audio track.

    Reads the official annotation JSON unchanged: a list of entries, or a dict keyed by
    recording id, each entry ``{"video_url_1": ..., ..., "video_url_N": ..., "tricks":
    [{"start": s, "end": s, "labels": [name, ...]}, ...]}`` (times in seconds, paths relative
    to ``data_root``). See ``docs/interfaces.md`` for the keys of each data info; with a mask
    file they also hold ``human_mask_file``, and once :meth:`set_sampling_seed` was called each
    sample's info holds ``sampling_seed``.

    Bad input is one error naming the recording and the file: an annotation or mask file that
    is not JSON, not a list/dict of entries, an entry without views or ``tricks``, a trick with
    unknown classes, non-numeric or negative times or start > end, a mask file without the
    recording or with too few view rows. An empty ``tricks`` list is a background recording
    (all-zero labels), loaded with one logged warning per annotation file.

    Args:
        ann_file (str): Annotation JSON, relative to ``data_root`` unless absolute.
        pipeline (list): Transforms.
        data_root (str): Folder holding the recordings and the annotation files.
        classes (Sequence[str], optional): Class names in label order; the 16 official
            MultiSensor-Home classes by default.
        fps (float): Frame rate of the label / sampling grid. Defaults to 2.5.
        views (Sequence[int], optional): 1-based view numbers to load, e.g. ``[1, 3]``; all
            ``video_url_n`` of the entries by default (every entry must then have the same ones).
        supervision (str): ``'frame'`` or ``'sequence'``, passed on to the model.
        human_mask_file (str, optional): JSON ``{recording_id: (V_all, T_full') scores}``, row
            ``n - 1`` for view ``n``, relative to ``data_root`` unless absolute.
        test_mode (bool): Evaluation mode (no refetch on failure).
        **kwargs: Other :class:`mmengine.dataset.BaseDataset` arguments.
    """

    METAINFO = dict(classes=MULTISENSOR_HOME_CLASSES)

    def __init__(self,
                 ann_file: str,
                 pipeline: Sequence = (),
                 data_root: str = '',
                 classes: Sequence[str] | None = None,
                 fps: float = 2.5,
                 views: Sequence[int] | None = None,
                 supervision: str = 'frame',
                 human_mask_file: str | None = None,
                 test_mode: bool = False,
                 **kwargs) -> None:
        if supervision not in ('frame', 'sequence'):
            raise ValueError(f"supervision must be 'frame' or 'sequence', got {supervision!r}")
        if views is not None:
            views = [int(v) for v in views]
            if not views or min(views) < 1 or len(set(views)) != len(views):
                raise ValueError(f'views must be distinct 1-based view numbers, got {views}')
        classes = tuple(classes) if classes is not None else MULTISENSOR_HOME_CLASSES
        if len(set(classes)) != len(classes):
            raise ValueError(f'classes must be distinct, got {classes}')
        self.fps = float(fps)
        self.views = views
        self.supervision = supervision
        # [seed, epoch] of the frame sampling; -1: not set, numpy's global generator is used
        self._sampling_state = torch.full((2,), -1, dtype=torch.int64).share_memory_()
        self.human_mask_file = (osp.join(data_root, human_mask_file)
                                if human_mask_file is not None else None)
        super().__init__(
            ann_file=ann_file,
            metainfo=dict(classes=classes),
            data_root=data_root,
            pipeline=list(pipeline),
            test_mode=test_mode,
            **kwargs)

    def _check_exists(self) -> None:
        if osp.isfile(self.ann_file):
            return
        where = (f"data_root '{self.data_root}' does not exist"
                 if self.data_root and not osp.isdir(self.data_root)
                 else f"annotation file '{self.ann_file}' does not exist")
        raise FileNotFoundError(
            f'MultiSensor-Home not found: {where}. Download the data set (Home-1 and Home-2, '
            'from the MultiSensor-Home authors\' release: docs/reproduce_multisensor_home.md, '
            f'"3. The data set") and place it so that \'{self.ann_file}\' exists and the '
            "videos it names (video_url_n, e.g. '01/3-View1-Part1.mp4') lie under data_root, "
            'or point the run at your copy with --data-root DIR (tools/train.py, '
            'tools/test.py). To try the method without it, `make demo` runs on the embedded '
            'synthetic set.')

    def _load_entries(self) -> list[tuple[str, dict]]:
        """(recording_id, entry) pairs in file order."""
        content = read_json(self.ann_file, 'annotation file')
        if isinstance(content, dict):
            pairs = [(str(k), v) for k, v in content.items()]
            for rid, entry in pairs:
                if not isinstance(entry, dict):
                    raise ValueError(f'recording {rid} in {self.ann_file} is a '
                                     f'{type(entry).__name__}, not an entry dict with '
                                     'video_url_n and tricks')
        elif isinstance(content, list):
            pairs = []
            for i, entry in enumerate(content):
                if not isinstance(entry, dict) or 'video_url_1' not in entry:
                    raise ValueError(f'entry {i} of {self.ann_file} has no video_url_1, so no '
                                     'recording id can be derived')
                pairs.append((recording_id_from_url(entry['video_url_1']), entry))
            counts = Counter(rid for rid, _ in pairs)
            dups = sorted(rid for rid, n in counts.items() if n > 1)
            if dups:
                raise ValueError(f'recordings {dups} appear more than once in {self.ann_file}')
        else:
            raise ValueError(f'{self.ann_file} must hold a list or a dict of entries, '
                             f'got {type(content).__name__}')
        if not pairs:
            raise ValueError(f'annotation file {self.ann_file} holds no recordings')
        return pairs

    def _entry_views(self, rid: str, entry: dict) -> list[int]:
        present = sorted(int(m.group(1)) for m in map(_VIEW_KEY.match, entry) if m)
        if self.views is None:
            if not present:
                raise ValueError(f'recording {rid} in {self.ann_file} has no video_url_n')
            return present
        missing = [v for v in self.views if v not in present]
        if missing:
            raise ValueError(f'recording {rid} in {self.ann_file} has no view(s) {missing} '
                             f'(video_url_{missing[0]} absent; it has views {present})')
        return list(self.views)

    def _parse_tricks(self, rid: str, entry: dict) -> list[dict]:
        """Checked tricks with class indices; an empty list is a background recording."""
        where = f'recording {rid} in {self.ann_file}'
        if not isinstance(entry.get('tricks'), list):
            raise ValueError(f'{where} has no "tricks" list')
        return [self._parse_trick(where, i, trick) for i, trick in enumerate(entry['tricks'])]

    def _parse_trick(self, where: str, i: int, trick) -> dict:
        class_index = {name: c for c, name in enumerate(self.metainfo['classes'])}
        if not isinstance(trick, dict) or not all(k in trick for k in ('start', 'end', 'labels')):
            raise ValueError(f'{where}: trick {i} ({trick!r:.120}) needs start, end and labels')
        times = []
        for key in ('start', 'end'):
            value = trick[key]
            if isinstance(value, bool) or not isinstance(value, (int, float)) or \
                    not math.isfinite(value):
                raise ValueError(f'{where}: trick {i} has {key} {value!r}, not a number of '
                                 'seconds')
            times.append(float(value))
        start, end = times
        if start < 0 or end < 0:
            raise ValueError(f'{where}: trick {i} has a negative time (start {start} s, end '
                             f'{end} s)')
        if start > end:
            raise ValueError(f'{where}: trick {i} starts after it ends (start {start} s > end '
                             f'{end} s)')
        labels = trick['labels']
        if not isinstance(labels, list) or not labels or \
                not all(isinstance(name, str) for name in labels):
            raise ValueError(f'{where}: trick {i} has labels {labels!r}, not a non-empty list '
                             'of class names')
        unknown = [name for name in labels if name not in class_index]
        if unknown:
            raise ValueError(f'{where}: unknown class name(s) {unknown}; known: '
                             f'{list(class_index)}')
        return dict(start=start, end=end, labels=[class_index[name] for name in labels])

    def _load_mask_scores(self) -> dict | None:
        if self.human_mask_file is None:
            return None
        if not osp.isfile(self.human_mask_file):
            raise FileNotFoundError(f'human mask file {self.human_mask_file} does not exist; '
                                    'write it with tools/extract_human_masks.py')
        masks = read_json(self.human_mask_file, 'human mask file')
        if not isinstance(masks, dict):
            raise ValueError(f'human mask file {self.human_mask_file} must hold a dict '
                             f'{{recording_id: (V, T_full) scores}}, got {type(masks).__name__}')
        return masks

    def _mask_rows(self, rid: str, views: list[int], masks: dict) -> np.ndarray:
        if rid not in masks:
            raise ValueError(f'recording {rid} (from {self.ann_file}) is missing from the '
                             f'human mask file {self.human_mask_file}')
        try:
            scores = np.asarray(masks[rid], dtype=np.float32)
        except (TypeError, ValueError) as exc:
            raise ValueError(f'recording {rid} in the human mask file {self.human_mask_file}: '
                             f'scores are not a (V_all, T_full) table of numbers: {exc}') from exc
        if scores.ndim != 2 or scores.shape[1] < 1 or scores.shape[0] < max(views):
            raise ValueError(f'recording {rid} in the human mask file {self.human_mask_file}: '
                             f'scores of shape {scores.shape} do not cover views {views} '
                             '(expected (V_all, T_full) with row n-1 for view n)')
        return scores[[v - 1 for v in views]]

    def load_data_list(self) -> list[dict]:
        """One data info per recording (keys in ``docs/interfaces.md``)."""
        self._check_exists()
        masks = self._load_mask_scores()
        num_classes = len(self.metainfo['classes'])
        data_list, view_sets, background, past = [], set(), [], []
        for rid, entry in self._load_entries():
            views = self._entry_views(rid, entry)
            view_sets.add(tuple(views))
            tricks = self._parse_tricks(rid, entry)
            if not tricks:
                background.append(rid)
            info = dict(
                recording_id=rid,
                ann_file=self.ann_file,
                filenames=[osp.abspath(osp.join(self.data_root, entry[f'video_url_{v}']))
                           for v in views],
                views=views,
                tricks=tricks,
                gt_label=sequence_label([t['labels'] for t in tricks], num_classes),
                num_classes=num_classes,
                fps=self.fps,
                supervision=self.supervision)
            if masks is not None:
                info['human_mask_scores'] = self._mask_rows(rid, views, masks)
                info['human_mask_file'] = self.human_mask_file
                past += self._tricks_past_grid(rid, tricks, info['human_mask_scores'].shape[1])
            data_list.append(info)
        if len(view_sets) > 1:
            raise ValueError(f'recordings in {self.ann_file} have different views '
                             f'{sorted(view_sets)}; set `views` to a common subset')
        if background:
            print_log(f'{len(background)} recording(s) in {self.ann_file} have an empty '
                      f'"tricks" list and are loaded as background (all-zero sequence and frame '
                      f'labels): {background[:5]}{" ..." if len(background) > 5 else ""}',
                      logger='current', level=logging.WARNING)
        if past:
            print_log(f'{len(past)} trick(s) in {len(set(past))} recording(s) of {self.ann_file} '
                      'end past their video (by the human-mask grid); they are clipped to the '
                      f'video (LoadFrameLabels logs each): {sorted(set(past))[:5]}'
                      f'{" ..." if len(set(past)) > 5 else ""}', logger='current')
        return data_list

    def _tricks_past_grid(self, rid: str, tricks: list[dict], num_grid: int) -> list[str]:
        """``rid`` once per trick that ends past ``(T_full + 1) / fps``, the latest the
        shortest view can end given its T_full = floor(duration * fps) grid frames."""
        return [rid for t in tricks if t['end'] > (num_grid + 1) / self.fps]

    def set_sampling_seed(self, seed: int, epoch: int) -> None:
        """Seed the random frame sampling of epoch ``epoch`` (see :meth:`prepare_data`).

        Kept in shared memory, so persistent DataLoader workers see the value the main process
        sets before each epoch (``SampleSeedHook`` calls this).
        """
        self._sampling_state[0], self._sampling_state[1] = int(seed), int(epoch)

    def prepare_data(self, idx: int):
        """Run the pipeline on data info ``idx``.

        Once :meth:`set_sampling_seed` was called, the info carries ``sampling_seed = [seed,
        epoch, idx]``, from which :class:`SampleMultiViewFrames` draws its random frames: the
        sample then depends on the seed, the epoch and the index only, not on the DataLoader
        workers, the process count or what ran before (so a resumed run draws what an
        uninterrupted one does).
        """
        info = self.get_data_info(idx)
        seed, epoch = (int(v) for v in self._sampling_state)
        if seed >= 0:
            info['sampling_seed'] = [seed, epoch, int(idx)]
        return self.pipeline(info)
