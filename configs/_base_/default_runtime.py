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

log_processor = dict(type='LogProcessor', window_size=20, by_epoch=True)
vis_backends = [dict(type='LocalVisBackend')]
visualizer = dict(type='ActionVisualizer', vis_backends=vis_backends)
log_level = 'INFO'
load_from = None
resume = False
randomness = dict(seed=0, deterministic=False)
