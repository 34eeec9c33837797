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
    """Return ``y[s, t] = sum_{k=0..t} kernel[s, k] * x[s, t - k]``, x and kernel >= 0.

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
    _exact_where_small(full, x, w, size)
    return full


# Relative accuracy wanted of every sum (the FFT's error is absolute).
_WANTED = 1e-10


def _exact_where_small(out: FloatArray, x: FloatArray, w: FloatArray, size: int) -> None:
    """Recompute by direct sums the entries the FFT's round-off could distort.

    The FFT's error is absolute, about eps * log2(size) * |x|_2 * |w|_2 per
    series (Higham, Accuracy and Stability of Numerical Algorithms, 2nd ed.,
    sec. 24.1), so a small sum next to huge counts (10^8 a day, then a quiet
    tail) lost up to 1e-6 of its value (issue #16). Entries below
    bound / 1e-10 are summed directly: few in ordinary series, and exact zeros
    come out as zeros.
    """
    eps = float(np.finfo(np.float64).eps)
    norms = np.linalg.norm(x, axis=1, keepdims=True) * np.linalg.norm(w, axis=1, keepdims=True)
    bound = 8 * eps * np.log2(size) * norms
    # Inputs are non-negative (counts, a pmf), so one comparison finds the
    # small sums and any negative round-off.
    series, days = np.nonzero(out < bound / _WANTED)
    if series.size == 0:
        return
    lags = w.shape[1]
    padded = np.concatenate([np.zeros((x.shape[0], lags - 1)), x], axis=1)
    windows = np.lib.stride_tricks.sliding_window_view(padded, lags, axis=1)
    flipped = w[:, ::-1]
    for lo in range(0, series.size, _CHUNK):  # bounded memory: chunk x lags doubles
        s, d = series[lo : lo + _CHUNK], days[lo : lo + _CHUNK]
        ker = flipped[s] if flipped.shape[0] > 1 else flipped[0]
        out[s, d] = np.sum(windows[s, d] * ker, axis=1)


_CHUNK = 65_536
