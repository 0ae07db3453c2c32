# ViewFrameLoss: ours, not the paper's (opt-in; only configs with `vfl` in their name use it).
# The Two-way frame loss on each view's own CAS readings (view_frame_logits, what view-aware
# consistency Eq. 9-10 compares) where the view's human mask sees the actor. MultiASL's
# authors train the CAS only on features max-pooled over views, so nothing else trains the
# per-view readings. Measured with encoders from scratch on the demo set
# (docs/per_view_readings.md): teacher per-view top-1 32.8 -> 83.1 %; with pre-trained encoders
# the readings are informative without it. Its effect in the pre-trained regime is in the
# study's "+VFL" rows (docs/synthetic_study.md). Frame supervision only: a V_S recognizer
# has no frame labels and does not build it. It needs human masks in every sample.
view_frame_loss = dict(type='ViewFrameLoss', loss_weight=1.0)
