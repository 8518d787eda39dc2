# Table II "Self-KD" on UCF101 split 1: R3D-18, single view, CE + alpha *
# KL from the student's own best-so-far weights (SelfKDHook).
_base_ = [
    '../_base_/models/self_kd_r3d18.py', '../_base_/datasets/ucf101_split1.py',
    '../_base_/schedules/sgd_plateau_200e.py', '../_base_/default_runtime.py'
]
method_name = 'Self-KD'  # Table II row
teacher_name = 'itself'
# The teacher <- the student at each new best val top-1 (ref. [30]).
custom_hooks = _base_.custom_hooks + [
    dict(type='SelfKDHook', monitor='acc/top1')
]
model = dict(cls_head=dict(num_classes=101))
# Single view with the section 2 augmentations (paper III-B).
train_dataloader = dict(dataset=dict(pipeline=_base_.aug_train_pipeline))
