# Table II "Baseline + data augment" on the synthetic demo: R3D-18, single
# view, CE only.
_base_ = ['../baselines/r18_synthetic_demo.py']
method_name = 'Baseline + data augment'  # Table II row
teacher_name = 'None'
# Single view with the section 2 augmentations (paper III-B).
train_dataloader = dict(dataset=dict(pipeline=_base_.aug_train_pipeline))
