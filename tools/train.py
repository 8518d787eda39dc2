"""Train an action recognizer with the MMEngine runner (MMAction2's CLI).

    python tools/train.py configs/skd_srl/r18_ucf101.py [--work-dir DIR]
        [--resume [CKPT]] [--amp] [--cfg-options k=v ...] [--launcher pytorch]
"""
import mmskd  # noqa: F401  (registers mmskd, applies the stack fixes)
from mmskd.apis import train_main

if __name__ == '__main__':
    train_main()
