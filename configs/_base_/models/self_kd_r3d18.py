_base_ = ['./r3d18_hara.py']
# Table II "Self-KD" (paper ref. [30], "Teaching yourself"; docs/method.md
# section 8): the teacher is a frozen copy of the student's best-so-far
# weights, which SelfKDHook re-copies whenever validation top-1 improves.
# Same loss as KD.
# Experiment configs add the hook to their custom_hooks (default_runtime.py
# owns that list).
model = dict(
    type='SelfKDRecognizer3D',
    loss_kd=dict(
        type='KDLoss',
        tau=10.0,  # paper IV-A
        tau_squared=False,  # authors' code: no tau^2 factor
        loss_weight=0.1))  # alpha, paper IV-A
