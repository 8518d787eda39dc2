# Runtime shared by every mmskd config. `custom_imports` makes plain
# `mmengine.Config.fromfile` + `Runner.from_cfg` work without importing mmskd.
default_scope = 'mmaction'
custom_imports = dict(imports=['mmskd'], allow_failed_imports=False)

default_hooks = dict(
    runtime_info=dict(type='RuntimeInfoHook'),
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=20, ignore_last=False),
    param_scheduler=dict(type='ParamSchedulerHook'),
    checkpoint=dict(
        # mmengine's CheckpointHook, but saved after validation so that the
        # plateau scheduler's step is in it (exact resume, docs/reliability.md)
        type='ResumableCheckpointHook',
        interval=1,
        max_keep_ckpts=3,
        save_best='acc/top1',  # keeps best_acc_top1_epoch_N.pth
        rule='greater'),
    sampler_seed=dict(type='DistSamplerSeedHook'),
    sync_buffers=dict(type='SyncBuffersHook'),
    # off; tools/test.py --show-dir DIR draws each test video with its
    # prediction (MMAction2's VisualizationHook, 3D inputs)
    visualization=dict(type='ClipVisualizationHook', enable=False,
                       interval=1))

custom_hooks = [
    # Substituted (undecodable) training videos per epoch; stop past 5%.
    dict(type='DecodeFailureHook', max_failure_rate=0.05),
    # Python/numpy/torch RNG states in checkpoints: --resume is exact.
    dict(type='RandomStateHook'),
    # Stop at the first NaN/inf loss, naming the iteration and the term.
    dict(type='NonFiniteLossHook'),
]

env_cfg = dict(
    cudnn_benchmark=True,  # fixed clip shapes; AMP pays off only with it
    mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0),
    dist_cfg=dict(backend='nccl'))

# Training metrics are logged as epoch means: MMEngine averages only losses
# and times over its window by default and logs the last batch's accuracy,
# so the last line of an epoch now holds that epoch's training accuracy,
# losses and Siamese monitors (what the studies and the demo report). Keys a
# model does not log are skipped.
epoch_means = [
    'loss', 'loss_cls', 'loss_kd', 'loss_sim', 'top1_acc', 'top5_acc',
    'top1_acc_view1', 'top5_acc_view1', 'top1_acc_view2', 'top5_acc_view2',
    'cos_sim', 'cos_sim_mismatched', 'z_std'
]
log_processor = dict(
    type='LogProcessor', window_size=20, by_epoch=True,
    custom_cfg=[dict(data_src=key, method_name='mean', window_size='epoch')
                for key in epoch_means])
vis_backends = [dict(type='LocalVisBackend')]
visualizer = dict(type='ActionVisualizer', vis_backends=vis_backends)
log_level = 'INFO'
load_from = None
resume = False
randomness = dict(seed=0, deterministic=False)
