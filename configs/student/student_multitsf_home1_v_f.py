_base_ = '../teacher/teacher_multitsf_home1_av_f.py'
model = {{_base_.student_overrides}}
