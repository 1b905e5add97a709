"""Deciding: the rules that fired become one decision, with depth limits, dates, validity and what would change it."""
