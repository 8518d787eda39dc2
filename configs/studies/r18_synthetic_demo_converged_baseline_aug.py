# Synthetic study row "Baseline + data augment" (docs/studies/synthetic/):
# the demo scale (8x56x56) and augmentation, 16 videos per step, the
# converged schedule (AdamW, warm-up, cosine to zero at 60 epochs).
_base_ = [
    '../_base_/models/r3d18_hara.py', '../_base_/datasets/synthetic_demo.py',
    '../_base_/schedules/adamw_cosine_cpu.py', '../_base_/default_runtime.py'
]
model = dict(cls_head=dict(num_classes=10))
train_dataloader = dict(
    batch_size=16, dataset=dict(pipeline=_base_.aug_train_pipeline))
default_hooks = dict(logger=dict(interval=10))
