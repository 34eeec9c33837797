"""Situation reports and the figures the dashboards show."""
