_base_ = '../teacher/teacher_multiasl_home2_av_f.py'
model = {{_base_.student_overrides}}
