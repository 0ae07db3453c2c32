# Evidence study (tools/demo.py --study): ViCoKD V_S with gradient through the confidence
# weight w of Eq. 10 (the paper does not say; the default treats w as a constant).
_base_ = '../vicokd_multiasl_synthetic_v_s.py'
model = dict(student=dict(consistency_loss=dict(detach_weight=False)))
