# Sequence-level supervision (V_S): the training set yields no frame labels.
_base_ = './student_multiasl_synthetic_v_f.py'
model = dict(supervision='sequence')
train_dataloader = dict(dataset=dict(supervision='sequence'))
