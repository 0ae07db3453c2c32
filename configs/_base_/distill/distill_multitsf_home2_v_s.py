# The V_S (sequence-supervised) student of multitsf / home2 in the distiller: the V_F wrapper
# with the student's supervision and its training labels switched to sequence level.
_base_ = './distill_multitsf_home2_v_f.py'
model = dict(student=dict(supervision='sequence'))
train_dataloader = dict(dataset=dict(supervision='sequence'))
