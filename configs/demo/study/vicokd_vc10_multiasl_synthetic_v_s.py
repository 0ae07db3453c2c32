# Evidence study (tools/demo.py --study): ViCoKD V_S with the view-consistency weight at 10.
_base_ = '../vicokd_multiasl_synthetic_v_s.py'
model = dict(student=dict(consistency_loss=dict(loss_weight=10.0)))
