#!/usr/bin/python3
"""Oracle Wiener, 30 s x 3 sources at 44.1 kHz (music_pbd_44k, Hann 2048 / 512), in-process:
PhaseLab's masking against norbert's wiener(iterations=0), alternated in the same run.

Both take the same inputs, the mixture STFT x and the source power spectrograms v = |S_j|^2, and
return the J source STFTs v_j / sum_k v_k * x (norbert's softmask; PhaseLab's ratio mask with
exponent 2, `maskedStfts`, timed by bench_separation's BM_OracleWienerMasks with fresh outputs each
call, and BM_OracleWienerMasksReused writing into the previous call's outputs, which norbert's API
cannot do). A last row adds the three syntheses: PhaseLab's `runMask` (BM_OracleWiener) against
norbert's output passed through scipy.signal.istft, as Open-Unmix-style pipelines do. Each side's
figure is its best repetition.

Baseline: norbert itself from an unmodified checkout (--norbert DIR, made with
`git -C <mirror> archive HEAD norbert | tar -x -C DIR`), or without it a port of the two numpy
lines its wiener(iterations=0) runs (softmask). Single-threaded numpy: run with
OPENBLAS_NUM_THREADS=1 (elementwise numpy is single-threaded anyway). Needs Debian's python3-numpy,
-scipy and -soundfile; skipped with a message otherwise.

    /usr/bin/python3 bench/wiener_vs_norbert.py build/bin/bench_separation ../shared [--norbert DIR] [--rounds N]
"""
import argparse
import json
import subprocess
import sys
import time

try:
    import numpy as np
    import scipy.signal
    import soundfile as sf
except ImportError as e:  # pragma: no cover
    print('skipped: %s (install python3-numpy python3-scipy python3-soundfile)' % e)
    sys.exit(0)

N, HOP = 2048, 512
NAMES = ['piano', 'bass', 'drums']


def stft(x):
    """PhaseLab's convention (frames centred on t*hop, periodic Hann, zero-phase), as (frames, bins)."""
    w = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(N) / N)
    frames = 1 + len(x) // HOP
    padded = np.concatenate([np.zeros(N // 2), x, np.zeros(N + HOP)])
    idx = np.arange(frames)[:, None] * HOP + np.arange(N)[None, :]
    segs = np.roll(padded[idx] * w, -(N // 2), axis=1)
    return np.fft.rfft(segs, axis=1)


def softmask_port(v, x):
    """norbert.softmask as its wiener(iterations=0) runs it (eps = the dtype's epsilon)."""
    eps = np.finfo(np.real(x[0]).dtype).eps
    total_energy = np.sum(v, axis=-1, keepdims=True)
    return v / (eps + total_energy.astype(x.dtype)) * x[..., None]


def best_of(f, repeats):
    best = float('inf')
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = f()
        best = min(best, time.perf_counter() - t0)
    return best, out


def phaselab_times(binary):
    out = subprocess.run([binary, '--benchmark_filter=OracleWiener', '--benchmark_format=json'],
                         check=True, capture_output=True, text=True).stdout
    scale = {'ms': 1e-3, 'us': 1e-6, 's': 1.0}
    best = {}
    for b in json.loads(out)['benchmarks']:
        if b.get('run_type', 'iteration') != 'iteration':
            continue
        name, seconds = b['name'].split('/')[0], b['real_time'] * scale[b['time_unit']]
        best[name] = min(best.get(name, float('inf')), seconds)
    return best


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('bench_separation')
    ap.add_argument('shared')
    ap.add_argument('--norbert', help='folder holding an unmodified norbert package')
    ap.add_argument('--rounds', type=int, default=3)
    a = ap.parse_args()
    if a.norbert:
        sys.path.insert(0, a.norbert)
        import norbert

        def wiener0(v, x):
            return norbert.wiener(v, x, iterations=0)
        baseline = 'norbert.wiener(iterations=0) from %s' % a.norbert
    else:
        wiener0 = softmask_port
        baseline = 'numpy port of norbert softmask (no --norbert given)'

    prefix = '%s/testaudio/music_pbd_44k_' % a.shared
    mix = sf.read(prefix + 'mix.wav', dtype='float32')[0]
    refs = [sf.read(prefix + n + '.wav', dtype='float32')[0] for n in NAMES]
    x = stft(mix.astype(np.float64)).astype(np.complex64)[:, :, None]
    v = np.stack([(np.abs(stft(r.astype(np.float64))) ** 2).astype(np.float32)[:, :, None] for r in refs], axis=-1)
    print('data: %.1f s, x %s %s, v %s %s; baseline: %s' % (len(mix) / 44100, x.shape, x.dtype, v.shape, v.dtype, baseline))

    y = wiener0(v, x)
    port = softmask_port(v, x)
    print('baseline vs the port: max |difference| %.2e (of max |y| %.2e)' % (np.abs(y - port).max(), np.abs(y).max()))

    def with_synthesis():
        y = wiener0(v, x)
        return [scipy.signal.istft(y[:, :, 0, j].T, nperseg=N, noverlap=N - HOP, boundary=True)[1] for j in range(len(NAMES))]

    for r in range(1, a.rounds + 1):
        ours = phaselab_times(a.bench_separation)
        masks, _ = best_of(lambda: wiener0(v, x), 5)
        full, _ = best_of(with_synthesis, 3)
        print('round %d: masks alone  phaselab %.4f s  baseline %.4f s  ratio %.1fx' %
              (r, ours['BM_OracleWienerMasks'], masks, masks / ours['BM_OracleWienerMasks']))
        print('round %d: masks, outputs reused  phaselab %.4f s  baseline %.4f s  ratio %.1fx' %
              (r, ours['BM_OracleWienerMasksReused'], masks, masks / ours['BM_OracleWienerMasksReused']))
        print('round %d: + synthesis  phaselab %.4f s  baseline+istft %.4f s  ratio %.1fx' %
              (r, ours['BM_OracleWiener'], full, full / ours['BM_OracleWiener']))


if __name__ == '__main__':
    main()
