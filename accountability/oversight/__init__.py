"""Oversight (A3, A7–A10, C2, C4): downward ratings, inspections with the five must-checks
and rectification, accountability actions, and year-end scoring."""
