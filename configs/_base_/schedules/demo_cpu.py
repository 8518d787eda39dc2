_base_ = ['./sgd_plateau_200e.py']
# The paper's optimiser and plateau rule (SGD 0.9, lr 0.01, wd 5e-4, lr x0.1
# after 10 epochs without a better val top-1) on a CPU budget of 20 epochs.
# A shorter patience (4 was tried) cut the lr at epochs 11 and 16 while
# validation was still at chance, which stops learning altogether.
train_cfg = dict(max_epochs=20)
