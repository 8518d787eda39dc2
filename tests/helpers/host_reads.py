"""Catch the host reading a tensor's values: on a GPU each such read (an
``item()``, a ``.cpu()``, a ``numpy()``, an ``if tensor:``) waits for every
queued kernel, so a training step that contains one cannot run ahead of the
GPU. On the CPU the same calls are cheap but still visible, so a CPU test
can keep them out of code that must stay sync-free."""
import contextlib

import torch

READS = ('item', 'tolist', 'numpy', 'cpu', '__bool__', '__int__',
         '__float__')


class HostReadError(AssertionError):
    """A tensor value was read by the host inside a sync-free region."""


@contextlib.contextmanager
def forbid_host_reads():
    """Every tensor method in ``READS`` raises :class:`HostReadError`."""
    originals = {name: getattr(torch.Tensor, name) for name in READS}

    def guard(name):
        def read(self, *args, **kwargs):
            raise HostReadError(f'Tensor.{name}() of a {tuple(self.shape)} '
                                'tensor inside a sync-free region')
        return read
    try:
        for name in READS:
            setattr(torch.Tensor, name, guard(name))
        yield
    finally:
        for name, method in originals.items():
            setattr(torch.Tensor, name, method)
