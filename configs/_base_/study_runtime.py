# default_runtime.py for measured studies: the training metrics are logged
# as epoch means (MMEngine averages only losses and times over its window
# by default, and logs the last batch's accuracy), so the last line of an
# epoch holds that epoch's training accuracy, losses and Siamese monitors.
# Keys a model does not log are skipped.
_base_ = ['./default_runtime.py']
epoch_means = [
    'loss', 'loss_cls', 'loss_kd', 'loss_sim', 'top1_acc', 'top5_acc',
    'top1_acc_view1', 'top5_acc_view1', 'top1_acc_view2', 'top5_acc_view2',
    'cos_sim', 'cos_sim_mismatched', 'z_std'
]
log_processor = dict(custom_cfg=[
    dict(data_src=key, method_name='mean', window_size='epoch')
    for key in epoch_means
])
default_hooks = dict(logger=dict(interval=10))
