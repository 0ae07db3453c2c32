"""The tiny "own recordings" set of docs/own_recordings.md, made from the tiny synthetic set.

What the page describes, and nothing of MultiSensor-Home's naming: 3 views (the synthetic
views 1-3; views 4 and 5 are not copied), files renamed to ``kitchen/<NNNN>-View<n>.mp4``, the
16 synthetic classes folded onto the page's 4 (:data:`OWN_CLASSES`), and ``all_labels.json``
only: the page's commands write the split. ``human_masks.json`` keeps the first 3 rows of the
synthetic masks of every recording but the last, so the page's mask command resumes and runs
the detector on one recording.
"""
import json
import os
import os.path as osp
import shutil

from mmvicokd.datasets.functional import recording_id_from_url
from mmvicokd.datasets.multisensor_home_dataset import MULTISENSOR_HOME_CLASSES

OWN_CLASSES = ('Cook', 'Eat', 'Rest', 'Walk')
VIEWS = 3


def _own_label(name: str) -> str:
    return OWN_CLASSES[MULTISENSOR_HOME_CLASSES.index(name) % len(OWN_CLASSES)]


def make_own_set(tiny_root: str, out: str) -> str:
    """Write the 3-view set into ``out``; returns ``out``."""
    with open(osp.join(tiny_root, 'all_labels.json')) as f:
        entries = json.load(f)
    with open(osp.join(tiny_root, 'human_masks.json')) as f:
        masks = json.load(f)
    own_entries, own_masks = [], {}
    for number, entry in enumerate(entries, 1):
        own = {}
        for view in range(1, VIEWS + 1):
            own[f'video_url_{view}'] = f'kitchen/{number:04d}-View{view}.mp4'
            target = osp.join(out, own[f'video_url_{view}'])
            os.makedirs(osp.dirname(target), exist_ok=True)
            shutil.copy(osp.join(tiny_root, entry[f'video_url_{view}']), target)
        own['tricks'] = [dict(trick, labels=sorted({_own_label(n) for n in trick['labels']}))
                         for trick in entry['tricks']]
        own_entries.append(own)
        if number < len(entries):
            rid = recording_id_from_url(entry['video_url_1'])
            own_masks[recording_id_from_url(own['video_url_1'])] = masks[rid][:VIEWS]
    with open(osp.join(out, 'all_labels.json'), 'w') as f:
        json.dump(own_entries, f, indent=1)
    with open(osp.join(out, 'human_masks.json'), 'w') as f:
        json.dump(own_masks, f)
    return out
