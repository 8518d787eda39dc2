"""Measured comparisons: the Table II ablation (driver, ETA, report) and the
results tables of finished runs."""
