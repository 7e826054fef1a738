#!/usr/bin/env python3
"""scikit-learn's multiplicative-update NMF on the spectrogram bench_separation uses, for comparison.

Times one iteration (W then H update, as sklearn's solver does) at K = 30 on |STFT| of the 30 s
44.1 kHz piano/bass/drums mixture (Hann 2048 / 512), single-threaded BLAS, in float64 (sklearn's
default) and float32. Needs Debian's python3-sklearn (and libopenblas0 for a fair BLAS):
    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/sklearn_nmf.py [../shared]
"""
import sys
import time

import numpy as np
from scipy.io import wavfile
from scipy.signal import stft
from sklearn.decomposition._nmf import _multiplicative_update_h, _multiplicative_update_w

shared = sys.argv[1] if len(sys.argv) > 1 else '../shared'
rate, x = wavfile.read(shared + '/testaudio/music_pbd_44k_mix.wav')
x = x.astype(np.float64)
if x.ndim > 1:
    x = x.mean(axis=1)
_, _, Z = stft(x, fs=rate, window='hann', nperseg=2048, noverlap=2048 - 512)
V = np.abs(Z) + 1e-9  # IS needs V > 0
K, iterations, repeats = 30, 10, 3
print('spectrogram %d x %d, K = %d' % (V.shape[0], V.shape[1], K))
for dtype in (np.float64, np.float32):
    X = V.astype(dtype)
    rng = np.random.default_rng(0)
    scale = np.sqrt(X.mean() / K)
    for beta, name in ((1, 'KL'), (0, 'IS')):
        W = (scale * rng.uniform(0.5, 1.5, (X.shape[0], K))).astype(dtype)
        H = (scale * rng.uniform(0.5, 1.5, (K, X.shape[1]))).astype(dtype)
        gamma = 1.0 if beta == 1 else 0.5
        best = float('inf')
        for _ in range(repeats):
            start = time.process_time()
            for _ in range(iterations):
                W, *_ = _multiplicative_update_w(X, W, H, beta, 0, 0, gamma)
                H = _multiplicative_update_h(X, W, H, beta, 0, 0, gamma)
            best = min(best, (time.process_time() - start) / iterations)
        print('sklearn %s %s: %.1f ms per iteration' % (np.dtype(dtype).name, name, 1e3 * best))
