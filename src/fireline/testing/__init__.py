"""Testing and mass screening: samples, lab results, pooled campaigns."""
