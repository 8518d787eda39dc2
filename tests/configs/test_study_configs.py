"""The study rows differ only where each study says they do."""
import pytest
from mmengine.config import Config

from conftest import REPO_ROOT
from helpers.schedule import lr_per_iteration
from mmskd.studies.spec import STUDIES

ROWS = {r.name: Config.fromfile(str(REPO_ROOT / r.config))
        for r in STUDIES['utd_mhad'].rows}


def _steps(pipeline):
    """Flatten a train pipeline, TwoViewSample's view pipeline inlined."""
    out = []
    for step in pipeline:
        out.append(step)
        if step['type'] == 'TwoViewSample':
            out += _steps(step['view_pipeline'])
    return out


@pytest.mark.parametrize('row', sorted(ROWS))
def test_no_horizontal_flip_on_a_dataset_with_mirror_classes(row):
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        for step in _steps(ROWS[row][loader].dataset.pipeline):
            assert 'Flip' not in step['type'], (row, step)
            if step['type'] == 'SKDClipAugment':
                assert 'flip' not in step['ops'], row


# the one row that trades videos per step for epochs (tested below)
MATCHED = 'baseline_aug_clips_matched'
TRAIN_VIDEOS = 323  # data/utd_mhad/train.txt (tools/data/utd_mhad/prepare.py)


def test_rows_share_data_budget_and_schedule():
    base = ROWS['baseline']
    for name, cfg in ROWS.items():
        if name == MATCHED:
            continue
        assert cfg.train_dataloader.batch_size == 16, name  # videos/step
        assert cfg.train_dataloader.drop_last, name
        assert cfg.optim_wrapper == base.optim_wrapper, name
        assert cfg.param_scheduler == base.param_scheduler, name
        assert cfg.train_cfg.max_epochs == base.train_cfg.max_epochs, name
        assert cfg.val_dataloader == base.val_dataloader, name
        assert cfg.test_dataloader == base.test_dataloader, name
        assert cfg.model.backbone == base.model.backbone, name
    opt = base.optim_wrapper.optimizer
    assert (opt.type, opt.momentum, opt.weight_decay) == ('SGD', 0.9, 5e-4)
    warmup, cosine = base.param_scheduler
    assert cosine.type == 'CosineAnnealingLR' and cosine.eta_min == 0
    assert cosine.end == base.train_cfg.max_epochs == warmup.end + \
        cosine.T_max and cosine.begin == warmup.end


def test_rows_differ_in_views_and_augmentation_only_as_named():
    def kinds(name):
        return [s['type'] for s in
                _steps(ROWS[name].train_dataloader.dataset.pipeline)]
    assert 'SKDClipAugment' not in kinds('baseline')
    assert 'TwoViewSample' not in kinds('baseline_aug')
    assert 'SKDClipAugment' in kinds('baseline_aug')
    # SKD-SRL's view = Baseline + data augment's single view
    aug = ROWS['baseline_aug'].train_dataloader.dataset.pipeline
    two = ROWS['skd_srl'].train_dataloader.dataset.pipeline[1]
    assert two['type'] == 'TwoViewSample' and two['num_views'] == 2
    assert two['view_pipeline'] == aug[1:-1]
    crop = ROWS['skd_srl_crop_only'].train_dataloader.dataset.pipeline[1]
    assert crop['view_pipeline'] == [
        s for s in aug[1:-1] if s['type'] != 'SKDClipAugment']
    assert ROWS['skd_srl_proj_bn'].model.siamese_head.proj_out_bn
    assert not ROWS['skd_srl'].model.siamese_head.proj_out_bn
    assert ROWS['skd_srl'].model.view_forward == 'separate'


def test_two_view_control_is_skd_srl_without_its_two_terms():
    skd, ctrl = ROWS['skd_srl'], ROWS['two_view_ce']
    assert ctrl.train_dataloader == skd.train_dataloader
    assert ctrl.model.loss_kd.loss_weight == 0.0
    assert ctrl.model.siamese_head.loss_sim.loss_weight == 0.0
    assert skd.model.loss_kd.loss_weight > 0
    assert skd.model.siamese_head.loss_sim.loss_weight > 0
    strip = dict(loss_kd=None, siamese_head=None)
    assert {**ctrl.model, **strip} == {**skd.model, **strip}


SYNTHETIC = {r.name: Config.fromfile(str(REPO_ROOT / r.config))
             for r in STUDIES['synthetic'].rows}
SYNTHETIC_TRAIN_VIDEOS = 360  # --videos-per-class 80 --held-out 0.15 0.4


# study rows, the two-view row each clips-matched row is matched to, the
# study's training videos, and the steps and validation interval expected
@pytest.mark.parametrize(
    'rows,two_view,train_videos,total_steps,val_every',
    [(ROWS, 'two_view_ce', TRAIN_VIDEOS, 1600, 20),
     (SYNTHETIC, 'skd_srl', SYNTHETIC_TRAIN_VIDEOS, 1320, 22)],
    ids=['utd_mhad', 'synthetic'])
def test_clips_matched_row_has_the_two_view_rows_clips_steps_and_lr(
        rows, two_view, train_videos, total_steps, val_every):
    two, one = rows[two_view], rows[MATCHED]
    view = two.train_dataloader.dataset.pipeline[1]
    assert view['num_views'] == 2
    assert 'TwoViewSample' not in [
        s['type'] for s in one.train_dataloader.dataset.pipeline]
    # its one view is Baseline + data augment's, the two-view rows' view
    assert one.train_dataloader.dataset.pipeline == \
        rows['baseline_aug'].train_dataloader.dataset.pipeline
    assert view['view_pipeline'] == one.train_dataloader.dataset.pipeline[1:-1]
    assert one.train_dataloader.drop_last and two.train_dataloader.drop_last
    clips = [two.train_dataloader.batch_size * 2,
             one.train_dataloader.batch_size]
    assert clips[0] == clips[1] == 32  # clips per step
    per = [train_videos // c.train_dataloader.batch_size for c in (two, one)]
    steps = [p * c.train_cfg.max_epochs for p, c in zip(per, (two, one))]
    assert steps[0] == steps[1] == total_steps
    lr_two, lr_one = (lr_per_iteration(c, p, total_steps + 100)
                      for c, p in zip((two, one), per))
    # the same learning rate at every step, warm-up and annealing included
    peak = one.optim_wrapper.optimizer.lr
    assert max(abs(a - b) for a, b in zip(lr_two, lr_one)) < 1e-9 * peak
    assert lr_one[0] < 0.1 * peak and max(lr_one) > 0.99 * peak
    assert lr_one[total_steps - 1] < 1e-5 * peak
    # validated at the same steps
    assert per[0] * two.train_cfg.get('val_interval', 1) == \
        per[1] * one.train_cfg.val_interval == val_every
    assert one.optim_wrapper == two.optim_wrapper
    assert one.model.backbone == two.model.backbone
