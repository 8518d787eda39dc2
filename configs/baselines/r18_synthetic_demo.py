# Cross-entropy baseline (single view, resize + random crop) on the embedded
# synthetic dataset at the CPU demo scale.
_base_ = [
    '../_base_/models/r3d18_hara.py',
    '../_base_/datasets/synthetic_demo.py',
    '../_base_/schedules/demo_cpu.py', '../_base_/default_runtime.py'
]
model = dict(cls_head=dict(num_classes=10))
default_hooks = dict(logger=dict(interval=5))
