"""Screening campaigns with pooled (k-in-1 and matrix) tubes, holds and single retests."""
