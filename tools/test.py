"""Test a checkpoint (file or work dir) with the MMEngine runner.

    python tools/test.py CONFIG CHECKPOINT [--work-dir DIR] [--dump out.pkl]
        [--out-metrics metrics.json] [--num-clips N] [--cfg-options k=v ...]
        [--launcher ...]

A checkpoint whose weights do not fit the config's model is refused (exit
status 2), naming the missing, unexpected or mis-shaped keys; SKD-SRL's
training-only parts (projector, predictor) may be present or absent.
"""
import sys

import mmskd  # noqa: F401  (registers mmskd, applies the stack fixes)
from mmskd.apis import test_main
from mmskd.apis.inference import CheckpointMismatchError

if __name__ == '__main__':
    try:
        test_main()
    except (CheckpointMismatchError, FileNotFoundError) as err:
        print(f'error: {err}', file=sys.stderr)
        sys.exit(2)
