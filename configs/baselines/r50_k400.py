# Baseline (CE only, resize + random crop), R3D-50, Kinetics-400 (Table I).
_base_ = [
    '../_base_/models/r3d50_hara.py', '../_base_/datasets/kinetics400.py',
    '../_base_/schedules/sgd_plateau_200e.py', '../_base_/default_runtime.py'
]
model = dict(cls_head=dict(num_classes=400))
