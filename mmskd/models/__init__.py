from . import (backbones, data_preprocessors, heads, losses,  # noqa: F401
               recognizers)
