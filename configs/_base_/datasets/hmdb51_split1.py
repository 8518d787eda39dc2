_base_ = ['./video_16x112.py']
# HMDB51 (51 classes), official split 1 (see docs/data_preparation.md).
data_root = 'data/hmdb51/'
# class names, line k = label k: checkpoints carry them (tools/infer.py)
train_dataloader = dict(dataset=dict(
    metainfo=dict(classes=data_root + 'hmdb51_classes.txt'),
    num_classes=51,  # labels outside [0, 51) fail before training
    ann_file=data_root + 'hmdb51_train_split_1_videos.txt',
    data_prefix=dict(video=data_root + 'videos')))
val_dataloader = dict(dataset=dict(
    metainfo=dict(classes=data_root + 'hmdb51_classes.txt'),
    num_classes=51,
    ann_file=data_root + 'hmdb51_val_split_1_videos.txt',
    data_prefix=dict(video=data_root + 'videos')))
test_dataloader = val_dataloader
