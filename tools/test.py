"""Test a checkpoint (file or work dir) with the MMEngine runner.

    python tools/test.py CONFIG CHECKPOINT [--work-dir DIR] [--dump out.pkl]
        [--out-metrics metrics.json] [--cfg-options k=v ...] [--launcher ...]
"""
import mmskd  # noqa: F401  (registers mmskd, applies the stack fixes)
from mmskd.apis import test_main

if __name__ == '__main__':
    test_main()
