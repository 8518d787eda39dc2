from . import backbones, heads, losses, recognizers  # noqa: F401
