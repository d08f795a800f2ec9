"""Checks that the report adds to completeness, coverage, reliability and correctness.

Every check produces rows of the one report schema (``dq.checks.model``): a stable id, its
dimension, numerator, denominator, estimate and CI, thresholds and status, per unit or national.
"""
