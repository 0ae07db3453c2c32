_base_ = './teacher_multitrans_home1_av_f_features.py'
model = {{_base_.student_overrides}}
