# Baseline (CE only, resize + random crop), R3D-18, HMDB51 split 1 (Table I).
_base_ = [
    '../_base_/models/r3d18_hara.py', '../_base_/datasets/hmdb51_split1.py',
    '../_base_/schedules/sgd_plateau_200e.py', '../_base_/default_runtime.py'
]
model = dict(cls_head=dict(num_classes=51))
