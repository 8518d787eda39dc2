"""SKD-SRL's clip augmentation (``SKDClipAugment``) on a batch of clips, on
the training device.

The CPU transform runs in a loader worker once per view; here the same ops,
in the same order, with parameters drawn from the same distributions, run
on all ``B`` clips of a step at once, in float32 on the GPU, so the workers
only decode, resize and crop. Each clip (one view of one video) draws its
own parameters, shared by all its frames. Values are in uint8 units,
clamped to [0, 255] after each op and rounded at the end, as on the CPU;
with the same parameters the result equals the CPU transform's to within
one grey level (blur and hue round differently from OpenCV's).
"""
from typing import Dict, Optional, Sequence, Tuple

import torch
import torch.nn.functional as F

DEFAULT_OPS = ('flip', 'channel_split', 'contrast', 'brightness', 'blur',
               'hue')
MID_GREY = 127.5
Params = Dict[str, Tuple[torch.Tensor, torch.Tensor]]  # op: (applied, value)


class BatchClipAugment:
    """Draw and apply the paper's clip augmentations for a batch of clips.

    Args:
        p (float): Probability of each op. Defaults to 0.5.
        ops (Sequence[str]): Ops in order, a subset of ``DEFAULT_OPS``.
        contrast_range, brightness_range, blur_sigma_range, hue_range: As
            :class:`mmskd.datasets.transforms.SKDClipAugment`.
        blur_kernel_size (int): Odd kernel size. Defaults to 7.
    """

    def __init__(self, p: float = 0.5, ops: Sequence[str] = DEFAULT_OPS,
                 contrast_range: Tuple[float, float] = (0.5, 1.5),
                 brightness_range: Tuple[float, float] = (-0.5, 0.5),
                 blur_sigma_range: Tuple[float, float] = (0.1, 2.0),
                 blur_kernel_size: int = 7,
                 hue_range: Tuple[float, float] = (0.0, 0.1)) -> None:
        if not 0.0 <= p <= 1.0:
            raise ValueError(f'p must be in [0, 1], but got {p}')
        unknown = set(ops) - set(DEFAULT_OPS)
        if unknown or len(set(ops)) != len(ops):
            raise ValueError(f'ops must be distinct names from {DEFAULT_OPS}'
                             f', but got {tuple(ops)}')
        if blur_kernel_size < 1 or blur_kernel_size % 2 == 0:
            raise ValueError(
                f'blur_kernel_size must be odd, got {blur_kernel_size}')
        ranges = dict(contrast=contrast_range, brightness=brightness_range,
                      blur=blur_sigma_range, hue=hue_range)
        for name, (low, high) in ranges.items():
            if low > high or (name == 'blur' and low <= 0):
                raise ValueError(f'bad {name} range ({low}, {high})')
        self.p, self.ops, self.ranges = p, tuple(ops), ranges
        self.kernel_size = blur_kernel_size

    def draw(self, num_clips: int, device: torch.device,
             generator: Optional[torch.Generator] = None) -> Params:
        """Per clip and op: whether it applies (a ``p`` coin) and its value
        (uniform in the op's range; channel split: two channels 0-2)."""
        def uniform(*shape):
            return torch.rand(shape, device=device, generator=generator)

        params: Params = {}
        for op in self.ops:
            applied = uniform(num_clips) < self.p
            if op == 'channel_split':
                value = (uniform(num_clips, 2) * 3).long().clamp_(max=2)
            elif op == 'flip':
                value = applied
            else:
                low, high = self.ranges[op]
                value = low + (high - low) * uniform(num_clips)
            params[op] = (applied, value)
        return params

    def __call__(self, clips: torch.Tensor,
                 params: Optional[Params] = None) -> torch.Tensor:
        """Augment ``clips`` [B, 3, T, H, W] (values 0-255, any dtype);
        returns float32 clips of whole numbers in [0, 255]."""
        if clips.dim() != 5 or clips.size(1) != 3:
            raise ValueError('expected clips of shape [B, 3, T, H, W], got '
                             f'{tuple(clips.shape)}')
        if params is None:
            params = self.draw(clips.size(0), clips.device)
        x = clips.float()
        for op in self.ops:
            applied, value = params[op]
            # every op runs on every clip and the coin picks the result:
            # asking whether any clip needs it would be a host sync
            done = getattr(self, f'_{op}')(x, value).clamp_(0, 255)
            x = torch.where(applied.view(-1, 1, 1, 1, 1), done, x)
        return x.round_()

    @staticmethod
    def _flip(x: torch.Tensor, value: torch.Tensor) -> torch.Tensor:
        return x.flip(-1)

    @staticmethod
    def _channel_split(x: torch.Tensor, value: torch.Tensor) -> torch.Tensor:
        # channel c1 := channel c2, per clip
        index = torch.arange(3, device=x.device).repeat(x.size(0), 1)
        index.scatter_(1, value[:, :1], value[:, 1:])  # [B, 3]
        return x.gather(1, index.view(-1, 3, 1, 1, 1).expand_as(x))

    @staticmethod
    def _contrast(x: torch.Tensor, value: torch.Tensor) -> torch.Tensor:
        return (x - MID_GREY) * value.view(-1, 1, 1, 1, 1) + MID_GREY

    @staticmethod
    def _brightness(x: torch.Tensor, value: torch.Tensor) -> torch.Tensor:
        return x + MID_GREY * value.view(-1, 1, 1, 1, 1)

    def _blur(self, x: torch.Tensor, sigma: torch.Tensor) -> torch.Tensor:
        """Separable Gaussian blur per clip, reflect-101 borders (OpenCV's
        default), one sigma for both axes."""
        b, c, t, h, w = x.shape
        k = self.kernel_size
        offsets = torch.arange(k, device=x.device) - (k - 1) / 2
        kernel = torch.exp(-offsets**2 / (2 * sigma.view(-1, 1)**2))
        kernel = kernel / kernel.sum(dim=1, keepdim=True)  # [B, k]
        weight = kernel.repeat_interleave(c * t, dim=0)  # [B*C*T, k]
        planes = x.reshape(1, b * c * t, h, w)
        pad = k // 2
        planes = F.conv2d(F.pad(planes, (pad, pad, 0, 0), mode='reflect'),
                          weight.view(-1, 1, 1, k), groups=b * c * t)
        planes = F.conv2d(F.pad(planes, (0, 0, pad, pad), mode='reflect'),
                          weight.view(-1, 1, k, 1), groups=b * c * t)
        return planes.view(b, c, t, h, w)

    @staticmethod
    def _hue(x: torch.Tensor, value: torch.Tensor) -> torch.Tensor:
        """Rotate the hue by ``value`` of the circle, through HSV of the
        [0, 1] clip, with OpenCV's float formulas."""
        r, g, b = (x / 255.0).unbind(1)  # [B, T, H, W] each
        v = torch.maximum(torch.maximum(r, g), b)
        diff = v - torch.minimum(torch.minimum(r, g), b)
        eps = torch.finfo(torch.float32).eps
        s = diff / (v.abs() + eps)
        scale = 60.0 / (diff + eps)
        h = torch.where(v == r, (g - b) * scale,
                        torch.where(v == g, (b - r) * scale + 120.0,
                                    (r - g) * scale + 240.0))
        h = torch.where(h < 0, h + 360.0, h)
        h = h + 360.0 * value.view(-1, 1, 1, 1)
        h = torch.where(h >= 360.0, h - 360.0, h) * (6.0 / 360.0)
        sector = h.floor().clamp_(0, 5)
        f = h - sector
        p_, q_, t_ = v * (1 - s), v * (1 - s * f), v * (1 - s * (1 - f))
        # (r, g, b) per sector: (v,t,p) (q,v,p) (p,v,t) (p,q,v) (t,p,v) (v,p,q)
        table = torch.stack([v, p_, q_, t_], dim=1)  # [B, 4, T, H, W]
        pick = torch.tensor([[0, 3, 1], [2, 0, 1], [1, 0, 3], [1, 2, 0],
                             [3, 1, 0], [0, 1, 2]], device=x.device)
        index = pick[sector.long()].permute(0, 4, 1, 2, 3)  # [B, 3, T, H, W]
        rgb = table.gather(1, index)
        return torch.where((s == 0).unsqueeze(1), v.unsqueeze(1), rgb) * 255.0
