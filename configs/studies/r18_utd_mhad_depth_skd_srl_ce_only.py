# Study row "Two views, CE only": SKD-SRL's data and step (two augmented
# views per video, cross-entropy summed over both) with alpha = beta = 0, so
# neither the distillation nor the Siamese term trains anything. It is the
# control that separates "self-distillation and SRL help" from "two
# augmented clips per video per step help" (docs/studies/utd_mhad/
# gradients.md measured the KD term's gradient at 0.2% of the CE's).
_base_ = ['../skd_srl/r18_utd_mhad_depth.py']
model = dict(
    loss_kd=dict(loss_weight=0.0),
    siamese_head=dict(loss_sim=dict(loss_weight=0.0)))
