_base_ = ['./r3d18_hara.py']
# Table II "KD" (docs/method.md section 8): the R3D-18 student of
# r3d18_hara.py, taught by a frozen, trained R3D-50 that sees the student's
# clip. Experiment configs set model.teacher_ckpt (and num_classes in both
# heads).
model = dict(
    type='KDRecognizer3D',
    teacher=dict(
        type='Recognizer3D',
        backbone=dict(type='ResNet3dHara', depth=50),  # Table II: ResNet-50
        cls_head=dict(
            type='I3DHead',
            num_classes=101,
            in_channels=2048,
            spatial_type='avg',
            dropout_ratio=0.0,  # Hara: no dropout
            average_clips='prob')),
    loss_kd=dict(
        type='KDLoss',
        tau=10.0,  # paper IV-A
        tau_squared=False,  # authors' code: no tau^2 factor
        loss_weight=0.1))  # alpha, paper IV-A
