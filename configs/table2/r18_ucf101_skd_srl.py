# Table II "SKD-SRL" on UCF101 split 1: the method (Eq. 5), R3D-18
# (= configs/skd_srl/r18_ucf101.py).
_base_ = ['../skd_srl/r18_ucf101.py']
method_name = 'SKD-SRL'  # Table II row
teacher_name = 'itself'
