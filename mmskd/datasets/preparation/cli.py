"""The command line shared by the split-file tools (UCF101, HMDB51)."""
import argparse


def split_list_parser(description: str, split_dir_help: str,
                      out_dir: str, layout: str) -> argparse.ArgumentParser:
    """Arguments of ``tools/data/{ucf101,hmdb51}/prepare_annotations.py``.

    Args:
        description (str): The tool's one-line description.
        split_dir_help (str): What ``--split-dir`` names.
        out_dir (str): Default ``--out-dir``.
        layout (str): The video folder layout, for ``--video-root``'s help.
    """
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument('--split-dir', required=True, help=split_dir_help)
    parser.add_argument('--out-dir', default=out_dir)
    parser.add_argument('--video-root', default=None,
                        help=f'videos folder ({layout}); listed videos '
                        'missing there are left out and reported. Omit to '
                        'skip the check')
    parser.add_argument('--splits', type=int, nargs='+', default=[1, 2, 3],
                        choices=[1, 2, 3])
    parser.add_argument('--video-ext', default=None,
                        help='replace .avi (e.g. mp4 after resize_videos.py)')
    return parser
