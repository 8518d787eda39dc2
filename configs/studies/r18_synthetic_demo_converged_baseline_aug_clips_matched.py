# Synthetic study row "Baseline + data augment, clips matched": one
# augmented view per video, with the SKD-SRL row's compute, as the UTD-MHAD
# study's row of the same name. 32 videos per step for 120 epochs is
# SKD-SRL's 32 clips per step and its 1,320 steps (360 training videos: 11
# full steps an epoch here, 22 over 60 epochs there), at the same learning
# rate per step (warm-up and cosine stretched to 10 and 110 epochs; tested
# in tests/configs/test_study_configs.py). Validation every second epoch
# checks the model at the same steps. It asks whether SKD-SRL's gain at the
# same epochs survives giving Baseline + data augment as many augmented
# clips, each of a distinct video. BatchNorm normalises over 32 clips per
# forward here, over 16 there (SKD-SRL forwards each view separately).
_base_ = ['./r18_synthetic_demo_converged_baseline_aug.py']
max_epochs, warmup_epochs = 120, 10
train_cfg = dict(max_epochs=max_epochs, val_interval=2)
train_dataloader = dict(batch_size=32)
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=True, begin=0,
         end=warmup_epochs, convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=max_epochs - warmup_epochs,
         eta_min=0.0, by_epoch=True, begin=warmup_epochs, end=max_epochs,
         convert_to_iter_based=True)
]
