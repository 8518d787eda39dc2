# The teacher of the KD row on UCF101 split 1: R3D-50 trained with the
# "Baseline + data augment" recipe. Its work dir (the default one of
# tools/train.py) is what r18_ucf101_kd_r50.py reads model.teacher_ckpt from.
_base_ = ['../baselines/r50_ucf101.py']
method_name = 'KD teacher (R3D-50 + data augment)'
teacher_name = 'None'
# Single view with the section 2 augmentations (paper III-B).
train_dataloader = dict(dataset=dict(pipeline=_base_.aug_train_pipeline))
