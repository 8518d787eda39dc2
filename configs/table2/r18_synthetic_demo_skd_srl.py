# Table II "SKD-SRL" on the synthetic demo: the method (Eq. 5), R3D-18
# (= configs/skd_srl/r18_synthetic_demo.py).
_base_ = ['../skd_srl/r18_synthetic_demo.py']
method_name = 'SKD-SRL'  # Table II row
teacher_name = 'itself'
