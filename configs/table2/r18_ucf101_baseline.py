# Table II "Baseline" on UCF101 split 1: R3D-18, single view, CE only,
# resize + random crop only (= configs/baselines/r18_ucf101.py).
_base_ = ['../baselines/r18_ucf101.py']
method_name = 'Baseline'  # Table II row
teacher_name = 'None'
