# Split 3 of r50_hmdb51.py (the paper reports split 1).
_base_ = ['./r50_hmdb51.py']
train_dataloader = dict(dataset=dict(
    ann_file='data/hmdb51/hmdb51_train_split_3_videos.txt'))
val_dataloader = dict(dataset=dict(
    ann_file='data/hmdb51/hmdb51_val_split_3_videos.txt'))
test_dataloader = val_dataloader
