# Baseline (CE only, resize + random crop), R3D-18, UCF101 split 1 (Table I).
_base_ = [
    '../_base_/models/r3d18_hara.py', '../_base_/datasets/ucf101_split1.py',
    '../_base_/schedules/sgd_plateau_200e.py', '../_base_/default_runtime.py'
]
model = dict(cls_head=dict(num_classes=101))
