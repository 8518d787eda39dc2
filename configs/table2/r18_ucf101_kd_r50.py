# Table II "KD" on UCF101 split 1: R3D-18 student, CE + alpha * KL from a
# frozen R3D-50 teacher (train r50_ucf101_kd_teacher.py first).
_base_ = [
    '../_base_/models/kd_r3d18_r3d50.py',
    '../_base_/datasets/ucf101_split1.py',
    '../_base_/schedules/sgd_plateau_200e.py', '../_base_/default_runtime.py'
]
method_name = 'KD'  # Table II row
teacher_name = 'R3D-50'
model = dict(
    cls_head=dict(num_classes=101),
    teacher=dict(cls_head=dict(num_classes=101)),
    # A checkpoint file, or a work dir (its best_*.pth, else the latest).
    teacher_ckpt='work_dirs/table2/r50_ucf101_kd_teacher')
# Single view with the section 2 augmentations (paper III-B).
train_dataloader = dict(dataset=dict(pipeline=_base_.aug_train_pipeline))
