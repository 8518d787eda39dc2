_base_ = ['./skd_srl_r3d18.py']
model = dict(
    backbone=dict(depth=50),
    cls_head=dict(in_channels=2048),
    siamese_head=dict(in_channels=2048))
