_base_ = '../teacher/teacher_multitrans_home1_av_f.py'
model = {{_base_.student_overrides}}
