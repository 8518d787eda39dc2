# r18_ucf101.py with the paper's clip augmentation on the training device
# (docs/performance.md, "Feeding the GPU"): loader workers decode, resize
# and crop; SKDActionDataPreprocessor draws each view's augmentation and
# applies it to the whole batch on the GPU. Same ops, order, probabilities
# and ranges as SKDClipAugment (tests/models/test_batch_clip_augment.py).
_base_ = ['./r18_ucf101.py']
model = dict(
    data_preprocessor=dict(
        type='SKDActionDataPreprocessor', augment=dict(p=0.5)))
train_dataloader = dict(
    dataset=dict(pipeline=_base_.two_view_crop_train_pipeline))
