# SKD-SRL, R3D-18 from scratch, UTD-MHAD depth cross-subject at the CPU study
# scale (docs/studies/utd_mhad/README.md). Matched to the baseline: the same 16
# videos per step (so 32 clips: each video gives two views), the same epochs
# and schedule.
_base_ = [
    '../_base_/models/skd_srl_r3d18.py',
    '../_base_/datasets/utd_mhad_depth.py',
    '../_base_/schedules/sgd_cosine_cpu.py', '../_base_/default_runtime.py'
]
model = dict(cls_head=dict(num_classes=27))
train_dataloader = dict(dataset=dict(pipeline=_base_.two_view_train_pipeline))
default_hooks = dict(logger=dict(interval=10))
