_base_ = ['./sgd_plateau_200e.py']
# The paper's optimiser (SGD 0.9, lr 0.01, wd 5e-4) on a CPU budget: few
# epochs, so the plateau patience shrinks with them.
train_cfg = dict(max_epochs=20)
param_scheduler = [
    dict(type='ReduceOnPlateauLR', monitor='acc/top1', rule='greater',
         factor=0.1, patience=4, by_epoch=True)
]
