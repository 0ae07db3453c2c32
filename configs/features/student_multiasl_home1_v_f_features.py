_base_ = './teacher_multiasl_home1_av_f_features.py'
model = {{_base_.student_overrides}}
