# Table II "Baseline + data augment" on UCF101 split 1: R3D-18, single
# view, CE only.
_base_ = ['../baselines/r18_ucf101.py']
method_name = 'Baseline + data augment'  # Table II row
teacher_name = 'None'
# Single view with the section 2 augmentations (paper III-B).
train_dataloader = dict(dataset=dict(pipeline=_base_.aug_train_pipeline))
