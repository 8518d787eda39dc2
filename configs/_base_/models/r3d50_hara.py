_base_ = ['./r3d18_hara.py']
# Hara et al.'s 3D ResNet-50 (Bottleneck, 2048-d features).
model = dict(
    backbone=dict(depth=50), cls_head=dict(in_channels=2048))
