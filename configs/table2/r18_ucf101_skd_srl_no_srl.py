# Ablation "SKD-SRL without SRL" on UCF101 split 1: two views, CE + alpha *
# L_kd, beta = 0 (docs/method.md section 8). The Siamese head still runs,
# unused.
_base_ = ['../skd_srl/r18_ucf101.py']
method_name = 'SKD-SRL without SRL'
teacher_name = 'itself'
model = dict(siamese_head=dict(loss_sim=dict(loss_weight=0.0)))  # beta = 0
