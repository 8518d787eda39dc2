# Paper IV-A / docs/method.md section 6: SGD momentum 0.9, lr 0.01, weight
# decay 5e-4, 200 epochs, lr x0.1 when val top-1 has not improved for 10
# epochs.
train_cfg = dict(
    type='EpochBasedTrainLoop', max_epochs=200, val_begin=1, val_interval=1)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')

optim_wrapper = dict(
    optimizer=dict(
        type='SGD', lr=0.01, momentum=0.9, weight_decay=5e-4, nesterov=False))

param_scheduler = [
    dict(
        type='ReduceOnPlateauLR',
        monitor='acc/top1',
        rule='greater',
        factor=0.1,
        patience=10,
        by_epoch=True)
]

# The paper's 32 clips are per GPU: keep lr when the GPU count changes.
auto_scale_lr = dict(enable=False, base_batch_size=32)
