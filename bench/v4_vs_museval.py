#!/usr/bin/python3
"""BSS Eval v4 (museval's default: global 512-tap filters, images criteria per 1 s window):
phaselab-cli against museval's method, whole process and in-process, in the same run.

The case of issue 17: 30 s x 3 sources at 44.1 kHz, mono and stereo (the stereo_music_44k images
looped to 30 s; the mono case is their left channel); estimates 0.8 s_j + 0.2 s_j+1 + noise.

Baseline: by default a numpy port of museval's v4 written here from its description (the Gram
matrix of the delayed references from one FFT, filters by a dense solve of G + eps I, then per
window the projections by FFT and the energies); with --museval DIR, museval itself from an
unmodified checkout (`git -C <mirror> archive HEAD museval | tar -x -C DIR`). Both agree with
phaselab-cli to 0.01 dB (printed). Needs Debian's python3-numpy, -scipy and -soundfile; skipped
with a message otherwise. BLAS threads follow OPENBLAS_NUM_THREADS (set it to 1 for a one-core
comparison; the note says which BLAS numpy uses).

    /usr/bin/python3 bench/v4_vs_museval.py build/bin/phaselab-cli ../shared [--museval DIR]
"""
import json
import os
import subprocess
import sys
import tempfile
import time

try:
    import numpy as np
    import scipy.linalg
    import soundfile as sf
except ImportError as e:  # pragma: no cover
    print('skipped: %s (install python3-numpy python3-scipy python3-soundfile)' % e)
    sys.exit(0)

L = 512
RATE = 44100
NAMES = ['piano', 'bass', 'drums']


def v4_numpy(refs, ests, win, hop):
    """refs, ests: (sources, samples, channels). Returns per-window sdr, isr, sir, sar (sources x windows)."""
    J, n, C = refs.shape
    K = J * C
    r = refs.transpose(0, 2, 1).reshape(K, n)  # signal k = j * C + c
    e = ests.transpose(0, 2, 1).reshape(K, n)
    nfft = int(2 ** np.ceil(np.log2(n + L - 1)))
    rf = np.fft.rfft(r, nfft)
    ef = np.fft.rfft(e, nfft)
    G = np.empty((K * L, K * L))
    for a in range(K):
        for b in range(a, K):
            c = np.fft.irfft(rf[a] * np.conj(rf[b]), nfft)  # c[m] = sum x_a[t + m] x_b[t]
            block = scipy.linalg.toeplitz(c[(-np.arange(L)) % nfft], c[:L])  # (t1, t2) -> c[t2 - t1]
            G[a * L:(a + 1) * L, b * L:(b + 1) * L] = block
            G[b * L:(b + 1) * L, a * L:(a + 1) * L] = block.T
    D = np.empty((K * L, K))
    for a in range(K):
        for col in range(K):
            c = np.fft.irfft(ef[col] * np.conj(rf[a]), nfft)
            D[a * L:(a + 1) * L, col] = c[:L]
    eps = np.finfo(float).eps
    A = scipy.linalg.solve(G + eps * np.eye(K * L), D, assume_a='pos')
    Aj = []
    for j in range(J):
        s = slice(j * C * L, (j + 1) * C * L)
        Aj.append(scipy.linalg.solve(G[s, s] + eps * np.eye(C * L), D[s, j * C:(j + 1) * C], assume_a='pos'))
    nwin = int(np.floor((n - win + hop) / hop))
    out = win + L - 1
    wfft = int(2 ** np.ceil(np.log2(out)))
    FA = np.fft.rfft(A.reshape(K, L, K), wfft, axis=1)  # [reference k, bins, estimate column]
    FAj = [np.fft.rfft(Aj[j].reshape(C, L, C), wfft, axis=1) for j in range(J)]
    res = np.full((4, J, nwin), np.nan)
    for t in range(nwin):
        seg = slice(t * hop, t * hop + win)
        if not (np.any(r[:, seg] != 0, axis=1).all() and np.any(e[:, seg] != 0, axis=1).all()):
            continue
        R = np.fft.rfft(r[:, seg], wfft)  # (K, bins)
        proj = np.fft.irfft(np.einsum('kbe,kb->eb', FA, R), wfft)[:, :out]
        for j in range(J):
            cols = slice(j * C, (j + 1) * C)
            pj = np.fft.irfft(np.einsum('kbe,kb->eb', FAj[j], R[cols]), wfft)[:, :out]
            s_true = np.zeros((C, out))
            s_true[:, :win] = r[cols, seg]
            est = np.zeros((C, out))
            est[:, :win] = e[cols, seg]
            p = proj[cols]
            e_spat, e_interf, e_artif = pj - s_true, p - pj, est - p
            energy = lambda x: np.sum(x ** 2)
            res[0, j, t] = 10 * np.log10(energy(s_true) / energy(e_spat + e_interf + e_artif))
            res[1, j, t] = 10 * np.log10(energy(s_true) / energy(e_spat))
            res[2, j, t] = 10 * np.log10(energy(s_true + e_spat) / energy(e_interf))
            res[3, j, t] = 10 * np.log10(energy(s_true + e_spat + e_interf) / energy(e_artif))
    return res


def main():
    args = sys.argv[1:]
    museval_dir = None
    if '--museval' in args:
        i = args.index('--museval')
        museval_dir = args[i + 1]
        del args[i:i + 2]
    cli, shared = args[0], args[1]
    rng = np.random.default_rng(1)
    images = []
    for name in NAMES:
        x, rate = sf.read(os.path.join(shared, 'testaudio/stereo/stereo_music_44k_%s.flac' % name), always_2d=True)
        assert rate == RATE
        images.append(np.concatenate([x, x])[:30 * RATE])
    refs = np.stack(images)
    ests = np.stack([0.8 * refs[j] + 0.2 * refs[(j + 1) % 3] + 1e-3 * rng.standard_normal(refs[j].shape)
                     for j in range(3)])
    blas = 'openblas' if 'openblas' in os.path.realpath('/usr/lib/x86_64-linux-gnu/libblas.so.3') else 'reference (netlib)'
    print('numpy BLAS: %s; OPENBLAS_NUM_THREADS=%s' % (blas, os.environ.get('OPENBLAS_NUM_THREADS', 'unset')))
    with tempfile.TemporaryDirectory() as tmp:
        for label, R, E in (('mono', refs[:, :, :1], ests[:, :, :1]), ('stereo', refs, ests)):
            paths = {}
            for kind, S in (('ref', R), ('est', E)):
                paths[kind] = []
                for j, name in enumerate(NAMES):
                    p = os.path.join(tmp, '%s_%s_%s.wav' % (label, kind, name))
                    sf.write(p, S[j], RATE, subtype='FLOAT')
                    paths[kind].append(p)
            # PhaseLab, whole process (reads the files, v4, SI-SDR, prints); its own eval time in-process
            t0 = time.perf_counter()
            out = subprocess.run([cli, 'eval', '--mode', 'v4', '--json', '--threads', '1', '--reference'] + paths['ref'] +
                                 ['--estimate'] + paths['est'], check=True, capture_output=True, text=True).stdout
            pl_whole = time.perf_counter() - t0
            pl = json.loads(out)
            pl_in = pl['seconds']
            pl_sdr = np.array([s['sdr'] for s in pl['sources']])
            # baseline, whole process: a fresh interpreter that imports, reads and evaluates
            script = ('import sys, time, types, numpy as np, soundfile as sf\n'
                      'sys.path.insert(0, %r)\n' % os.path.dirname(os.path.abspath(__file__)))
            if museval_dir:
                script += ('sys.modules["musdb"] = types.ModuleType("musdb"); sys.path.insert(0, %r)\n'
                           'import museval\n' % museval_dir)
            else:
                script += 'import v4_vs_museval as m\n'
            script += ('R = np.stack([sf.read(p, always_2d=True)[0] for p in %r])\n'
                       'E = np.stack([sf.read(p, always_2d=True)[0] for p in %r])\n'
                       't = time.perf_counter()\n' % (paths['ref'], paths['est']))
            if museval_dir:
                script += ('sdr, isr, sir, sar = museval.evaluate(R, E, win=%d, hop=%d, mode="v4", padding=True)\n'
                           'sdr = np.nanmedian(sdr, axis=1)\n' % (RATE, RATE))
            else:
                script += 'sdr = np.nanmedian(m.v4_numpy(R, E, %d, %d)[0], axis=1)\n' % (RATE, RATE)
            script += 'print(time.perf_counter() - t); print(" ".join(map(repr, sdr)))\n'
            t0 = time.perf_counter()
            lines = subprocess.run([sys.executable, '-c', script], check=True, capture_output=True,
                                   text=True).stdout.split('\n')
            base_whole = time.perf_counter() - t0
            base_in = float(lines[0])
            base_sdr = np.array([float(v) for v in lines[1].split()])
            who = 'museval' if museval_dir else 'numpy port of museval v4'
            print('%s 30 s x 3: %s %.2f s whole process (%.2f s in-process); phaselab-cli %.2f s (%.3f s in-process, 1 thread)'
                  % (label, who, base_whole, base_in, pl_whole, pl_in))
            print('ratio %s whole-process = %.1f x, in-process = %.1f x; max |median SDR difference| = %.2e dB'
                  % (label, base_whole / pl_whole, base_in / pl_in, np.max(np.abs(base_sdr - pl_sdr))))


if __name__ == '__main__':
    main()
