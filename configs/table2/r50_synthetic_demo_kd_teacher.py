# The teacher of the KD row on the synthetic dataset (demo scale): R3D-50
# trained with the "Baseline + data augment" recipe. Its work dir (the default
# one of tools/train.py) is where r18_synthetic_demo_kd_r50.py reads
# model.teacher_ckpt from.
_base_ = [
    '../_base_/models/r3d50_hara.py', '../_base_/datasets/synthetic_demo.py',
    '../_base_/schedules/demo_cpu.py', '../_base_/default_runtime.py'
]
method_name = 'KD teacher (R3D-50 + data augment)'
teacher_name = 'None'
model = dict(cls_head=dict(num_classes=10))
default_hooks = dict(logger=dict(interval=5))
# Single view with the section 2 augmentations (paper III-B).
train_dataloader = dict(dataset=dict(pipeline=_base_.aug_train_pipeline))
