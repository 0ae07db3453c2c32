"""Synthetic MultiSensor-Home set: a virtual 5-camera room with sound (docs/design.md section 2)."""
from .classes import CLASSES, sound_only_pairs, sound_signature, visual_signature
from .generator import (PRESETS, generate_synthetic_dataset, human_mask_scores, plan_recordings,
                        render_recording)
from .media_writer import write_av_mp4
from .room import CAMERAS, NUM_VIEWS, visible_views, zone_views

__all__ = [
    'CLASSES', 'sound_only_pairs', 'sound_signature', 'visual_signature', 'PRESETS',
    'generate_synthetic_dataset', 'human_mask_scores', 'plan_recordings', 'render_recording',
    'write_av_mp4',
    'CAMERAS', 'NUM_VIEWS', 'visible_views', 'zone_views',
]
