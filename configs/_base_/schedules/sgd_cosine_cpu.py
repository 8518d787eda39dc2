# A schedule that converges inside a CPU budget (docs/studies/utd_mhad.md):
# the paper's SGD (momentum 0.9, weight decay 5e-4), a linear warm-up, then
# cosine annealing to zero, so every run ends annealed whatever its
# validation curve does. The paper's plateau rule (lr x0.1 after 10 epochs
# without a better val top-1) needs far more epochs than a CPU affords.
max_epochs, warmup_epochs = 60, 5
train_cfg = dict(
    type='EpochBasedTrainLoop', max_epochs=max_epochs, val_begin=1,
    val_interval=1)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
optim_wrapper = dict(
    optimizer=dict(
        type='SGD', lr=0.1, momentum=0.9, weight_decay=5e-4, nesterov=False))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=True, begin=0,
         end=warmup_epochs, convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=max_epochs - warmup_epochs,
         eta_min=0.0, by_epoch=True, begin=warmup_epochs, end=max_epochs,
         convert_to_iter_based=True)
]
auto_scale_lr = dict(enable=False, base_batch_size=16)
