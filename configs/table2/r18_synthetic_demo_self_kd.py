# Table II "Self-KD" on the synthetic demo: R3D-18, single view, CE + alpha *
# KL from the student's own best-so-far weights (SelfKDHook).
_base_ = [
    '../_base_/models/self_kd_r3d18.py',
    '../_base_/datasets/synthetic_demo.py', '../_base_/schedules/demo_cpu.py',
    '../_base_/default_runtime.py'
]
method_name = 'Self-KD'  # Table II row
teacher_name = 'itself'
# The teacher <- the student at each new best val top-1 (ref. [30]).
custom_hooks = _base_.custom_hooks + [
    dict(type='SelfKDHook', monitor='acc/top1')
]
model = dict(cls_head=dict(num_classes=10))
default_hooks = dict(logger=dict(interval=5))
# Single view with the section 2 augmentations (paper III-B).
train_dataloader = dict(dataset=dict(pipeline=_base_.aug_train_pipeline))
