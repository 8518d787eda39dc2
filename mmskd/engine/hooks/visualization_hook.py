"""MMAction2's ``VisualizationHook``, working for 3D recognizers."""
import os.path as osp

from mmaction.engine.hooks import VisualizationHook
from mmaction.registry import HOOKS


@HOOKS.register_module()
class ClipVisualizationHook(VisualizationHook):
    """Draw test (or validation) videos with their predictions.

    ``tools/test.py --show-dir DIR`` enables it and sets ``out_dir``; each
    drawn video's frames go to ``DIR/<index>_<name>/``. Class names come
    from the test dataset's ``metainfo['classes']`` when the config gives
    them. Three things differ from the stock hook of mmaction2 1.1.0:

    * a 3D recognizer's test input holds several clips per video, ``[clips,
      C, T, H, W]`` (the video protocol's 10), which the stock hook cannot
      permute: the first clip is drawn, with the prediction of the whole
      video;
    * it numbers videos by a counter over the loop; the stock hook computes
      ``len(batch) * batch_idx``, which gives the short last batch the index
      of an earlier video, overwriting its drawing;
    * it passes ``show_frames`` where the stock hook passes ``show``, which
      ``ActionVisualizer.add_datasample`` rejects.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.draw_args['show_frames'] = self.draw_args.pop('show')
        self._count = 0

    def before_val_epoch(self, runner) -> None:
        self._count = 0

    def before_test_epoch(self, runner) -> None:
        self._count = 0

    def _draw_samples(self, batch_idx, data_batch, data_samples,
                      step=0) -> None:
        if not self.enable:
            return
        for video, sample in zip(data_batch['inputs'], data_samples):
            index, self._count = self._count, self._count + 1
            if index % self.interval:
                continue
            clip = video[0] if video.dim() == 5 else video  # [C, T, H, W]
            frames = clip.permute(1, 2, 3, 0).cpu().numpy().astype('uint8')
            stem = osp.splitext(osp.basename(sample.get('filename', '')))[0]
            name = f'{index:05d}' + (f'_{stem}' if stem else '')
            args = dict(self.draw_args)
            if self.out_dir is not None:
                args['out_path'] = osp.join(self.out_dir, name)
            self._visualizer.add_datasample(
                name, video=frames, data_sample=sample, step=step, **args)
