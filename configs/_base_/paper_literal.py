# The paper's literal reading of every switchable departure of this repo (docs/design.md,
# "Paper -> this repo"). Not a _base_ of any config: `tools/train.py CONFIG --paper-literal`
# (and tools/test.py) applies it on top of CONFIG (mmvicokd/utils/paper_literal.py).
# Each switch sets `key` in every dict of type `where` found at that place; `recognizer.`
# means the model itself, a distiller's student and its teacher (whose config file is then
# inlined), `*` every element of a list or value of a dict. A config without such a dict is
# left as it is (e.g. FD's reduction in a LogitKD config).
paper_literal = [
    # Eq. 7: the squared L2 norm summed over the D channels (ours: mean over D)
    dict(key='model.distill_losses.*.reduction', where='FeatureDistillLoss', value='sum'),
    # Eq. 10: w = max p_i * max p_j as written, with its gradient (ours: w treated as a constant)
    dict(key='recognizer.consistency_loss.detach_weight', where='ViewConsistencyLoss',
         value=False),
    # Sec. 4.1: cosine annealing, no floor stated: to 0 (ours: 1e-5, the authors' MultiTSF code)
    dict(key='param_scheduler.*.eta_min', where='CosineAnnealingLR', value=0.0),
    # not in the paper (ours, opt-in in configs named vfl): no per-view frame loss
    dict(key='recognizer.view_frame_loss', where='MultiViewAVRecognizer', value=None),
    # the demo's choices: Eq. 2 over the whole clip, the authors' MultiASL recording score
    dict(key='recognizer.cross_attn.time_window', where='CrossModalAttention', value=None),
    dict(key='recognizer.fusion.seq_score', where='MultiASL', value='cas_top'),
]
