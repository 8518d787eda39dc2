# UTD-MHAD depth, cross-subject (tools/data/utd_mhad/prepare.py writes the
# videos and lists; docs/data_preparation.md). Train on subjects 1, 3, 5,
# validate on subject 7 (model selection never sees the test subjects), test
# on 2, 4, 6, 8. The standard protocol trains on 1, 3, 5 and 7: use
# trainval.txt for that.
#
# CPU study scale (docs/studies/utd_mhad/README.md): 8 frames at interval 2,
# the same 0.53 s span as the paper's 16 consecutive frames at 30 fps, at half
# the frames; the 128-px videos resized to 64 and cropped to 56 (the demo's
# scale). No horizontal flip anywhere: it turns "swipe left" into "swipe
# right" and a clockwise circle into a counter-clockwise one.
_base_ = ['./video_16x112.py']
data_root = 'data/utd_mhad/'
clip_len, frame_interval, short_side, crop_size = 8, 2, 64, 56
num_classes = 27
# The paper's augmentations (docs/method.md) without the flip; channel split
# and hue leave a grey clip unchanged.
photometric = dict(type='SKDClipAugment', p=0.5,
                   ops=('channel_split', 'contrast', 'brightness', 'blur',
                        'hue'))

train_pipeline = [
    dict(type='DecordInit'),
    dict(type='SampleFrames', clip_len=clip_len,
         frame_interval=frame_interval, num_clips=1),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, short_side)),
    dict(type='RandomCrop', size=crop_size),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs')
]
# One view: own clip, own crop, then the augmentations.
view_pipeline = train_pipeline[1:5] + [
    photometric, dict(type='FormatShape', input_format='NCTHW')
]
aug_train_pipeline = [train_pipeline[0]] + view_pipeline + [
    train_pipeline[-1]
]
two_view_train_pipeline = [
    dict(type='DecordInit'),
    dict(type='TwoViewSample', view_pipeline=view_pipeline, num_views=2),
    dict(type='PackActionInputs')
]
# Two views that differ only by their own clip and crop (no photometric).
crop_only_two_view_train_pipeline = [
    dict(type='DecordInit'),
    dict(type='TwoViewSample', view_pipeline=train_pipeline[1:6],
         num_views=2),
    dict(type='PackActionInputs')
]
val_pipeline = [
    dict(type='DecordInit'),
    dict(type='SampleFrames', clip_len=clip_len,
         frame_interval=frame_interval, num_clips=1, test_mode=True),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, short_side)),
    dict(type='CenterCrop', crop_size=crop_size),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs')
]
test_pipeline = [
    val_pipeline[0],
    dict(type='SampleFrames', clip_len=clip_len,
         frame_interval=frame_interval, num_clips=10, test_mode=True),
] + val_pipeline[2:]

train_dataloader = dict(
    batch_size=16,  # videos per step (two clips each in two-view rows)
    num_workers=1,  # 64-px lossless grey video decodes fast
    persistent_workers=True,
    pin_memory=False,
    dataset=dict(
        metainfo=dict(classes=data_root + 'classes.txt'),
        num_classes=num_classes,
        ann_file=data_root + 'train.txt',
        data_prefix=dict(video=data_root),
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=16,
    num_workers=1,
    pin_memory=False,
    dataset=dict(
        metainfo=dict(classes=data_root + 'classes.txt'),
        num_classes=num_classes,
        ann_file=data_root + 'val.txt',
        data_prefix=dict(video=data_root),
        pipeline=val_pipeline))
test_dataloader = dict(
    batch_size=4,
    num_workers=1,
    pin_memory=False,
    dataset=dict(
        metainfo=dict(classes=data_root + 'classes.txt'),
        num_classes=num_classes,
        ann_file=data_root + 'test.txt',
        data_prefix=dict(video=data_root),
        pipeline=test_pipeline))
