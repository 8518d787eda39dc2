from .inference import (CheckpointMismatchError, VideoReadError,
                        describe_protocol, inference_pipeline, init_model,
                        load_label_map, recognize, top_k)
from .launch import (apply_common_args, find_checkpoint, parse_test_args,
                     parse_train_args, test_main, train_main)

__all__ = [
    'CheckpointMismatchError', 'VideoReadError', 'apply_common_args',
    'describe_protocol', 'find_checkpoint', 'inference_pipeline', 'init_model',
    'load_label_map', 'parse_test_args', 'parse_train_args', 'recognize',
    'test_main', 'top_k', 'train_main'
]
