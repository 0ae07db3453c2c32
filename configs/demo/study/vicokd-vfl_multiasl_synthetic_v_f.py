# Evidence study (tools/demo.py --study): ViCoKD V_F with our per-view frame loss on the
# student and on its teacher (./teacher-vfl_multiasl_synthetic_av_f.py; tools/demo.py points
# teacher_ckpt at that teacher's run of the same seed).
_base_ = ['../vicokd_multiasl_synthetic_v_f.py', '../../_base_/view_frame_loss.py']
model = dict(
    student=dict(view_frame_loss={{_base_.view_frame_loss}}),
    teacher='{{ fileDirname }}/teacher-vfl_multiasl_synthetic_av_f.py',
    teacher_ckpt='work_dirs/study/teacher-vfl_multiasl_synthetic_av_f/epoch_20.pth')
