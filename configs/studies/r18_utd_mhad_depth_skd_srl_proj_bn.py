# Study row "SKD-SRL, projector output BN": SimSiam's non-affine BatchNorm1d
# after the projector (docs/method.md, switch proj_out_bn).
_base_ = ['../skd_srl/r18_utd_mhad_depth.py']
model = dict(siamese_head=dict(proj_out_bn=True))
