# SKD-SRL, R3D-50, Kinetics-400 (paper Table I). 32 clips/GPU, 200 epochs.
_base_ = [
    '../_base_/models/skd_srl_r3d50.py', '../_base_/datasets/kinetics400.py',
    '../_base_/schedules/sgd_plateau_200e.py', '../_base_/default_runtime.py'
]
model = dict(cls_head=dict(num_classes=400))
train_dataloader = dict(dataset=dict(pipeline=_base_.two_view_train_pipeline))
