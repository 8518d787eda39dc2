_base_ = ['./sgd_plateau_200e.py']
# The CPU demo budget: 20 epochs (about 700 steps of 8 videos) on the
# embedded synthetic dataset, with the paper's plateau rule (lr x0.1 after 10
# epochs without a better val top-1).
#
# AdamW instead of the paper's SGD (lr 0.01, momentum 0.9): on this budget
# SGD left SKD-SRL at chance (val top-1 10-13%, 20 epochs on generator 1.1,
# 7 epochs on a 1.2 draft) and the R3D-18 probe too, while with AdamW at lr
# 1e-3 the CE baseline reaches 32% val top-1 in 12 epochs
# (docs/synthetic_dataset.md, "Why the defaults are this easy"). The
# real-dataset configs keep the paper's SGD.
train_cfg = dict(max_epochs=20)
optim_wrapper = dict(
    optimizer=dict(
        _delete_=True, type='AdamW', lr=1e-3, weight_decay=1e-4))
