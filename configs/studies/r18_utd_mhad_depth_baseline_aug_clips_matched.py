# Study row "Baseline + data augment, clips matched": one augmented view per
# video as in Baseline + data augment, but the two-view rows' compute: 32
# videos per step for 160 epochs is the same 32 clips per step and the same
# number of steps (323 training videos: 10 full steps an epoch here, 20 in
# the two-view rows' 80 epochs), at the same learning rate per step. The
# warm-up and the cosine are stretched to 10 and 150 epochs so that the
# learning rate of step k equals the two-view rows' (tested in
# tests/configs/test_study_configs.py). Validation every second epoch
# checks the model at the same steps as the two-view rows, so the
# best-by-validation choice has as many candidates. It asks whether the
# two-view step beats simply training on as many augmented clips of
# distinct videos. One difference remains: BatchNorm normalises over 32
# clips per forward here, over 16 there (the two-view rows forward each
# view separately).
_base_ = ['./r18_utd_mhad_depth_baseline_aug.py']
max_epochs, warmup_epochs = 160, 10
train_cfg = dict(max_epochs=max_epochs, val_interval=2)
train_dataloader = dict(batch_size=32)
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=True, begin=0,
         end=warmup_epochs, convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=max_epochs - warmup_epochs,
         eta_min=0.0, by_epoch=True, begin=warmup_epochs, end=max_epochs,
         convert_to_iter_based=True)
]
