"""Indicator definitions per year, their computation from answers and aggregation (issue 5)."""
