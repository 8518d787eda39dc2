"""Helpers shared by several parts of mmskd (atomic writes, checkpoint
paths, progress); nothing here imports the rest of the package."""
