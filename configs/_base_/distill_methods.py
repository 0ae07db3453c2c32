# Distillation losses of each method (DESIGN.md section 4, method table); all weights 1.0.
# Method configs pick one of these sets; ViCoKD adds the view-aware consistency loss `vc`
# to the student itself (it needs no teacher).
ld = dict(type='LogitDistillLoss', tau=4.0)  # Eq. 8
fd_attn_av = dict(type='FeatureDistillLoss', features=('attn', 'av'))  # Eq. 7
vc = dict(type='ViewConsistencyLoss')  # Eq. 9-10

logitkd = dict(ld=ld)
modalkd = dict(fd=dict(type='FeatureDistillLoss', features=('visual', 'audio')))
dualkd = dict(fd=dict(type='FeatureDistillLoss', features=('fusion',)), ld=ld)
cokd = dict(fd=fd_attn_av, ld=ld)
