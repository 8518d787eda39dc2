"""Plots from what runs leave behind: training curves (the runner's scalar
logs), result charts (seeds as dots) and confusion matrices (test dumps).
Each PNG is written with the numbers it shows beside it (JSON or CSV)."""
