# Evidence study (tools/demo.py --study): the demo teacher + our per-view frame loss.
_base_ = ['../teacher_multiasl_synthetic_av_f.py', '../../_base_/view_frame_loss.py']
model = dict(view_frame_loss={{_base_.view_frame_loss}})
