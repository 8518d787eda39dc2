# Hara et al.'s 3D ResNet-18 (paper ref. [9]) as a plain Recognizer3D: the
# paper's "Baseline" (single view, CE only). docs/method.md section 5.
model = dict(
    type='Recognizer3D',
    backbone=dict(type='ResNet3dHara', depth=18),
    cls_head=dict(
        type='I3DHead',
        num_classes=101,
        in_channels=512,
        spatial_type='avg',  # global average pool, then FC
        dropout_ratio=0.0,  # Hara: no dropout
        average_clips='prob'),  # multi-clip test: average softmax scores
    data_preprocessor=dict(
        type='ActionDataPreprocessor',
        mean=[127.5, 127.5, 127.5],  # paper IV-A: inputs in [-1, 1]
        std=[127.5, 127.5, 127.5],
        format_shape='NCTHW'))
