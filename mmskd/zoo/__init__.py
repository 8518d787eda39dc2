"""Checkpoints in and out: weights-only release files (``publish``), model-zoo
entries (``model_zoo``) and Hara et al.'s published 3D ResNets
(``hara_checkpoint``)."""
