# Study row "Baseline + data augment": one view through the same view
# pipeline as SKD-SRL (own clip, crop, the paper's augmentations sans flip).
_base_ = ['../baselines/r18_utd_mhad_depth.py']
train_dataloader = dict(dataset=dict(pipeline=_base_.aug_train_pipeline))
