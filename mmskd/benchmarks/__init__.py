"""Speed measurements: the training step (SKD-SRL vs plain) and the data
pipeline (two-view vs single-view samples)."""
