"""Epicurves, Rt, growth and delays for a jurisdiction: the database feeding fireline.analytics."""
