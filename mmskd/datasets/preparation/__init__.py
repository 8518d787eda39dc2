"""Dataset preparation: annotation files for UCF101, HMDB51 and Kinetics-400
from their official split files, UTD-MHAD depth videos and lists from its
official .mat files, video resizing and decode checks. The CLIs in
``tools/data/`` are thin wrappers around these functions; see
``docs/data_preparation.md``."""
from mmskd.utils.io import write_json_atomic, write_text_atomic
from .annotations import PreparationError, describe_split, write_lines_atomic
from .check import check_annotation, check_video
from .hmdb51 import prepare_hmdb51
from .kinetics import prepare_kinetics
from .resize import resize_tree, resize_video, scaled_size
from .ucf101 import prepare_ucf101
from .utd_mhad import prepare_utd_mhad
from .validate import load_video_list, read_annotation

__all__ = [
    'PreparationError', 'check_annotation', 'check_video', 'describe_split',
    'load_video_list', 'prepare_hmdb51',
    'prepare_kinetics', 'prepare_ucf101', 'prepare_utd_mhad',
    'read_annotation', 'resize_tree',
    'resize_video', 'scaled_size', 'write_json_atomic', 'write_lines_atomic',
    'write_text_atomic'
]
