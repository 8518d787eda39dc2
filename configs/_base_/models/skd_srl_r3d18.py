_base_ = ['./r3d18_hara.py']
# SKD-SRL on R3D-18 (paper Eq. 5; docs/method.md section 1). Turns the baseline
# recognizer into SKDSRLRecognizer3D; backbone and FC are inherited.
model = dict(
    type='SKDSRLRecognizer3D',
    view_forward='separate',  # per-view BN statistics, as Algorithm 1
    siamese_head=dict(
        type='SiameseHead',
        in_channels=512,  # d of the encoder (2048 for R3D-50)
        proj_channels=2048,  # paper III-B: projector "of size 2048"
        pred_hidden_channels=512,  # SimSiam bottleneck 2048-512-2048
        proj_out_bn=False,
        loss_sim=dict(type='SiameseSimilarityLoss',
                      loss_weight=1.0)),  # beta, paper IV-A
    loss_kd=dict(
        type='ViewDistillationLoss',
        tau=10.0,  # paper IV-A
        target='sum',  # soft label from p1 + p2 (docs/method.md on Eq. 2)
        detach_target=True,
        tau_squared=False,
        loss_weight=0.1))  # alpha, paper IV-A
