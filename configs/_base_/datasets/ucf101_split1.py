_base_ = ['./video_16x112.py']
# UCF101 (101 classes), official split 1; MMAction2's data layout
# (see docs/data_preparation.md). Override data_root to move it.
data_root = 'data/ucf101/'
# class names, line k = label k: checkpoints carry them (tools/infer.py)
train_dataloader = dict(dataset=dict(
    metainfo=dict(classes=data_root + 'ucf101_classes.txt'),
    num_classes=101,  # labels outside [0, 101) fail before training
    ann_file=data_root + 'ucf101_train_split_1_videos.txt',
    data_prefix=dict(video=data_root + 'videos')))
val_dataloader = dict(dataset=dict(
    metainfo=dict(classes=data_root + 'ucf101_classes.txt'),
    num_classes=101,
    ann_file=data_root + 'ucf101_val_split_1_videos.txt',
    data_prefix=dict(video=data_root + 'videos')))
test_dataloader = val_dataloader
