_base_ = '../_base_/distill/distill_multitsf_home1_v_s.py'
model = dict(distill_losses={{_base_.modalkd}})
# student.fusion.frame_head gets no gradient: V_S drops loss_frame, seq head and FD skip it.
find_unused_parameters = True
