"""mmskd.apis.launch.finish_distributed: clean process-group teardown."""
import torch.distributed as dist

from mmskd.apis.launch import finish_distributed


def test_finish_distributed_is_a_no_op_without_a_group():
    assert not dist.is_initialized()
    finish_distributed()
    assert not dist.is_initialized()


def test_finish_distributed_destroys_the_group(tmp_path):
    dist.init_process_group('gloo', init_method=f'file://{tmp_path}/store',
                            rank=0, world_size=1)
    assert dist.is_initialized()
    finish_distributed()
    assert not dist.is_initialized()
