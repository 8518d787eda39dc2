_base_ = ['./video_16x112.py']
# Kinetics-400 train / val (see docs/data_preparation.md).
data_root = 'data/kinetics400/'
# class names, line k = label k: checkpoints carry them (tools/infer.py)
train_dataloader = dict(dataset=dict(
    metainfo=dict(classes=data_root + 'kinetics400_classes.txt'),
    num_classes=400,  # labels outside [0, 400) fail before training
    ann_file=data_root + 'kinetics400_train_list_videos.txt',
    data_prefix=dict(video=data_root + 'videos_train')))
val_dataloader = dict(dataset=dict(
    metainfo=dict(classes=data_root + 'kinetics400_classes.txt'),
    num_classes=400,
    ann_file=data_root + 'kinetics400_val_list_videos.txt',
    data_prefix=dict(video=data_root + 'videos_val')))
test_dataloader = val_dataloader
