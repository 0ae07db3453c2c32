"""Human masks: per-view person-confidence scores from a YOLOv10 detector (docs/design.md §2)."""
from .human_masks import extract_human_masks, grid_frames
from .person_scorer import PersonScorer
from .ultralytics_env import prepare_ultralytics_env

__all__ = ['extract_human_masks', 'grid_frames', 'PersonScorer', 'prepare_ultralytics_env']
