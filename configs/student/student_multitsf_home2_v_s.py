# Sequence-level supervision (V_S): the training set yields no frame labels.
_base_ = './student_multitsf_home2_v_f.py'
model = dict(supervision='sequence')
train_dataloader = dict(dataset=dict(supervision='sequence'))
# fusion.frame_head gets no gradient: V_S drops loss_frame and MultiTSF's seq head skips it.
find_unused_parameters = True
