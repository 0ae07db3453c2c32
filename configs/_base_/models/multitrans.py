_base_ = './av_recognizer.py'
model = dict(
    fusion=dict(type='MultiTrans', num_classes={{_base_.num_classes}}, num_views={{_base_.num_views}}))
