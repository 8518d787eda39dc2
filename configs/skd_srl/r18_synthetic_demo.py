# SKD-SRL (R3D-18) on the embedded synthetic dataset: what `make demo` runs.
_base_ = [
    '../_base_/models/skd_srl_r3d18.py',
    '../_base_/datasets/synthetic_demo.py',
    '../_base_/schedules/demo_cpu.py', '../_base_/default_runtime.py'
]
model = dict(
    cls_head=dict(num_classes=10),
    # One encoder call on 2N clips: 2x faster than 'separate' on a CPU
    # (tools/analysis/benchmark_step.py); BN statistics span both views.
    view_forward='batched')
train_dataloader = dict(
    batch_size=8,  # 8 videos = 16 clips per step, two views each
    dataset=dict(pipeline=_base_.two_view_train_pipeline))
default_hooks = dict(logger=dict(interval=5))
