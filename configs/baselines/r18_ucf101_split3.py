# Split 3 of r18_ucf101.py (the paper reports split 1).
_base_ = ['./r18_ucf101.py']
train_dataloader = dict(dataset=dict(
    ann_file='data/ucf101/ucf101_train_split_3_videos.txt'))
val_dataloader = dict(dataset=dict(
    ann_file='data/ucf101/ucf101_val_split_3_videos.txt'))
test_dataloader = val_dataloader
