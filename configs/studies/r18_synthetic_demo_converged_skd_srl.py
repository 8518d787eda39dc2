# Synthetic study row "SKD-SRL" (docs/studies/synthetic/): as the
# Baseline + data augment row, two views per video (own clip, crop and
# augmentation), per-view BatchNorm ('separate', the method's default).
_base_ = [
    '../_base_/models/skd_srl_r3d18.py',
    '../_base_/datasets/synthetic_demo.py',
    '../_base_/schedules/adamw_cosine_cpu.py', '../_base_/default_runtime.py'
]
model = dict(cls_head=dict(num_classes=10))
train_dataloader = dict(
    batch_size=16, dataset=dict(pipeline=_base_.two_view_train_pipeline))
default_hooks = dict(logger=dict(interval=10))
