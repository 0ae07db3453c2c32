"""Multi-view audio-visual transforms, in pipeline order (docs/interfaces.md, Data)."""
from .decode_multi_view_video import DecodeMultiViewVideo
from .load_audio_fbank import LoadAudioFbank
from .load_frame_labels import LoadFrameLabels
from .load_human_masks import LoadHumanMasks
from .load_multi_view_cache import LoadMultiViewCache
from .load_multi_view_features import LoadMultiViewFeatures
from .multi_view_decord_init import MultiViewDecordInit
from .multi_view_feature_init import MultiViewFeatureInit
from .pack_multi_view_inputs import PackMultiViewInputs
from .sample_multi_view_frames import SampleMultiViewFrames

__all__ = [
    'MultiViewDecordInit', 'LoadMultiViewCache', 'SampleMultiViewFrames', 'DecodeMultiViewVideo',
    'LoadAudioFbank', 'LoadFrameLabels', 'LoadHumanMasks', 'PackMultiViewInputs',
    'MultiViewFeatureInit', 'LoadMultiViewFeatures'
]
