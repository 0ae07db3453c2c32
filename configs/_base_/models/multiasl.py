# MultiASL fusion backbone (Nguyen et al., MMAsia 2024; the authors' model, see
# mmvicokd/models/backbones/multiasl.py) on the audio-visual recognizer, trained as the
# authors train it. Our per-view frame loss is opt-in: ../view_frame_loss.py, configs/vfl/.
_base_ = './av_recognizer.py'
model = dict(
    fusion=dict(type='MultiASL', num_classes={{_base_.num_classes}}, num_views={{_base_.num_views}}))
