from .launch import (apply_common_args, find_checkpoint, parse_test_args,
                     parse_train_args, test_main, train_main)

__all__ = [
    'apply_common_args', 'find_checkpoint', 'parse_test_args',
    'parse_train_args', 'test_main', 'train_main'
]
