# The embedded synthetic action dataset (tools/data/synthetic/generate.py) at
# the CPU demo scale: 8 frames (interval 2) at 64 -> 56 px instead of the
# paper's 16 x 112, so that `make demo` trains in minutes on 2 cores.
_base_ = ['./video_16x112.py']
data_root = 'data/synthetic/'
clip_len, frame_interval, short_side, crop_size = 8, 2, 64, 56

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
view_pipeline = train_pipeline[1:5] + [
    dict(type='SKDClipAugment', p=0.5),
    dict(type='FormatShape', input_format='NCTHW')
]
# "Baseline + data augment" (Table II): one view through the same view
# pipeline (resize, random crop, section 2 augmentations).
aug_train_pipeline = [train_pipeline[0]] + view_pipeline + [
    train_pipeline[-1]
]
two_view_train_pipeline = [
    dict(type='DecordInit'),
    dict(type='TwoViewSample', view_pipeline=view_pipeline, num_views=2),
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
    batch_size=16,
    num_workers=1,  # decoding 64-px videos is cheap; leave the cores to SGD
    pin_memory=False,
    drop_last=True,  # as video_16x112.py: no batch of one video
    dataset=dict(
        metainfo=dict(classes=data_root + 'classes.txt'),
        num_classes=10,  # tools/data/synthetic/generate.py's 10 classes
        ann_file=data_root + 'train.txt',
        data_prefix=dict(video=data_root),
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=16,
    num_workers=2,
    pin_memory=False,
    dataset=dict(
        metainfo=dict(classes=data_root + 'classes.txt'),
        num_classes=10,
        ann_file=data_root + 'val.txt',
        data_prefix=dict(video=data_root),
        pipeline=val_pipeline))
test_dataloader = dict(
    batch_size=4,
    num_workers=2,
    pin_memory=False,
    dataset=dict(
        metainfo=dict(classes=data_root + 'classes.txt'),
        num_classes=10,
        ann_file=data_root + 'test.txt',
        data_prefix=dict(video=data_root),
        pipeline=test_pipeline))
