# Study row "SKD-SRL, crop-only views": two views that differ only by their
# own clip and crop, no photometric augmentation.
_base_ = ['../skd_srl/r18_utd_mhad_depth.py']
train_dataloader = dict(
    dataset=dict(pipeline=_base_.crop_only_two_view_train_pipeline))
