# Flagship: ViCoKD, MultiASL backbone, Home-1, frame-level supervision (AV_F -> V_F).
_base_ = './vicokd/vicokd_multiasl_home1_v_f.py'
