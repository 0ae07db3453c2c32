# The V_S (sequence-supervised) student of multitrans / home1 in the distiller: the V_F wrapper
# with the student's supervision and its training labels switched to sequence level.
_base_ = './distill_multitrans_home1_v_f.py'
model = dict(student=dict(supervision='sequence'))
train_dataloader = dict(dataset=dict(supervision='sequence'))
