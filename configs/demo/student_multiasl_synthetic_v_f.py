_base_ = './teacher_multiasl_synthetic_av_f.py'
model = {{_base_.student_overrides}}
