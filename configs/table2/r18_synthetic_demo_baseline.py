# Table II "Baseline" on the synthetic demo: R3D-18, single view, CE only,
# resize + random crop only (= configs/baselines/r18_synthetic_demo.py).
_base_ = ['../baselines/r18_synthetic_demo.py']
method_name = 'Baseline'  # Table II row
teacher_name = 'None'
