# Distillation losses of each method (docs/design.md, the method table); all weights 1.0.
# Method configs pick one of these sets; ViCoKD adds the view-aware consistency loss `vc`
# to the student itself (it needs no teacher).
ld = dict(type='LogitDistillLoss', tau=4.0)  # Eq. 8
# Eq. 7's squared norm averaged over the D channels (reduction='mean'), not summed: summed, the
# term grows with D and drowns the task losses (at the paper's D = 384 the sum is 384x the
# mean; measured on the demo: docs/design.md, "Paper -> this repo", row 1).
fd_reduction = 'mean'
fd_attn_av = dict(type='FeatureDistillLoss', features=('attn', 'av'), reduction=fd_reduction)
vc = dict(type='ViewConsistencyLoss')  # Eq. 9-10

logitkd = dict(ld=ld)
modalkd = dict(fd=dict(type='FeatureDistillLoss', features=('visual', 'audio'),
                       reduction=fd_reduction))
dualkd = dict(fd=dict(type='FeatureDistillLoss', features=('fusion',), reduction=fd_reduction),
              ld=ld)
cokd = dict(fd=fd_attn_av, ld=ld)
