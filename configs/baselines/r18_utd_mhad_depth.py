# Baseline (CE only, resize + random crop), R3D-18 from scratch, UTD-MHAD
# depth cross-subject at the CPU study scale (docs/studies/utd_mhad/README.md).
_base_ = [
    '../_base_/models/r3d18_hara.py', '../_base_/datasets/utd_mhad_depth.py',
    '../_base_/schedules/sgd_cosine_cpu.py', '../_base_/default_runtime.py'
]
model = dict(cls_head=dict(num_classes=27))
default_hooks = dict(logger=dict(interval=10))
