# Video pipelines at the paper's scale (docs/method.md section 3): 16
# consecutive frames, short side 128, 112x112 crop. Dataset bases set the
# paths.
# RobustVideoDataset: a VideoDataset that checks its list before training and
# survives undecodable videos (docs/data_preparation.md, "Broken videos").
dataset_type = 'RobustVideoDataset'
file_client_args = dict(io_backend='disk')
clip_len, frame_interval = 16, 1  # paper IV-A: "a video clip with 16 frames"
short_side, crop_size = 128, 112  # paper III-B

# Baseline: one clip, resize + random crop only (Table II "Baseline").
train_pipeline = [
    dict(type='DecordInit', **file_client_args),
    dict(type='SampleFrames', clip_len=clip_len,
         frame_interval=frame_interval, num_clips=1),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, short_side)),
    dict(type='RandomCrop', size=crop_size),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs')
]
# SKD-SRL: two views, each its own clip, crop and augmentations (sec. 2).
view_pipeline = [
    dict(type='SampleFrames', clip_len=clip_len,
         frame_interval=frame_interval, num_clips=1),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, short_side)),
    dict(type='RandomCrop', size=crop_size),
    dict(type='SKDClipAugment', p=0.5),  # flip, split, contrast, ... hue
    dict(type='FormatShape', input_format='NCTHW')
]
# "Baseline + data augment" (Table II): one view through the same view
# pipeline (resize, random crop, section 2 augmentations).
aug_train_pipeline = [train_pipeline[0]] + view_pipeline + [
    train_pipeline[-1]
]
two_view_train_pipeline = [
    dict(type='DecordInit', **file_client_args),
    dict(type='TwoViewSample', view_pipeline=view_pipeline, num_views=2),
    dict(type='PackActionInputs')
]
# The same two views with the augmentations left to the training device
# (model.data_preprocessor SKDActionDataPreprocessor with augment=...): the
# loader workers only decode, resize and crop.
crop_view_pipeline = [
    step for step in view_pipeline if step['type'] != 'SKDClipAugment'
]
two_view_crop_train_pipeline = [
    dict(type='DecordInit', **file_client_args),
    dict(type='TwoViewSample', view_pipeline=crop_view_pipeline, num_views=2),
    dict(type='PackActionInputs')
]
# Validation: one centre clip, centre crop (clip accuracy).
val_pipeline = [
    dict(type='DecordInit', **file_client_args),
    dict(type='SampleFrames', clip_len=clip_len,
         frame_interval=frame_interval, num_clips=1, test_mode=True),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, short_side)),
    dict(type='CenterCrop', crop_size=crop_size),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs')
]
# Test: video accuracy, softmax averaged over 10 uniformly spread clips,
# centre crop. `tools/test.py --num-clips 1` gives clip accuracy instead.
test_pipeline = [
    dict(type='DecordInit', **file_client_args),
    dict(type='SampleFrames', clip_len=clip_len,
         frame_interval=frame_interval, num_clips=10, test_mode=True),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, short_side)),
    dict(type='CenterCrop', crop_size=crop_size),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs')
]

train_dataloader = dict(
    batch_size=32,  # paper IV-A: 32 clips per GPU
    num_workers=8,
    persistent_workers=True,
    pin_memory=True,
    # Drop each epoch's last incomplete batch (per GPU; a different few
    # videos each epoch, since the order is reshuffled). Two-view training
    # needs it: a last batch of one video (9,537 UCF101 videos on 1 or 2
    # GPUs) gives the Siamese head's BatchNorm no statistics. Single-view
    # configs drop it too, so every row of a comparison sees the same
    # videos per step and steps per epoch.
    drop_last=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(type=dataset_type, pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=32,
    num_workers=8,
    persistent_workers=True,
    pin_memory=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type=dataset_type, pipeline=val_pipeline, test_mode=True))
test_dataloader = dict(
    batch_size=1,
    num_workers=8,
    persistent_workers=True,
    pin_memory=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type=dataset_type, pipeline=test_pipeline, test_mode=True))

val_evaluator = dict(
    type='RobustAccMetric',  # AccMetric that leaves out undecodable videos
    metric_list=('top_k_accuracy', 'mean_class_accuracy'))
test_evaluator = val_evaluator
