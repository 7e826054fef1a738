#!/usr/bin/python3
"""Reference numbers for PhaseLab's metrics tests (tests/test_metrics.cpp).

Run with Debian's interpreter and packages (python3-mir-eval 0.7, python3-numpy, python3-scipy):
    /usr/bin/python3 make_reference.py ../../../../shared/testaudio > reference.json
The C++ tests rebuild the same signals and estimates (see test_metrics.cpp: vectors125(),
makeEstimates()) and compare every value with these numbers (0.01 dB; 1e-3 dB for 12.5).

Sources:
  * BSS Eval v3: mir_eval.separation 0.7 itself.
  * v4: museval is not installed here, so `museval_v4` below re-implements museval's default
    evaluation (global distortion filters from G + eps I, images criteria per window) in numpy
    with mir_eval-style FFT correlations and scipy's fftconvolve.
  * SI-SDR and Magron's GetSDR: direct numpy transcriptions of algorithms.md 12.3 / 12.4.
"""
import json
import sys
import time

import mir_eval.separation as sep
import numpy as np
from scipy.io import wavfile
from scipy.linalg import toeplitz
from scipy.signal import fftconvolve

FLEN = 512


def clean(x):
    """JSON without NaN/Infinity tokens (Qt's parser refuses them)."""
    if isinstance(x, dict):
        return {k: clean(v) for k, v in x.items()}
    if isinstance(x, (list, tuple, np.ndarray)):
        return [clean(v) for v in x]
    if isinstance(x, (np.integer,)):
        return int(x)
    if isinstance(x, (float, np.floating)):
        x = float(x)
        if np.isnan(x):
            return "nan"
        if np.isinf(x):
            return "inf" if x > 0 else "-inf"
        return x
    return x


def vectors125():
    fs, N = 8000, 8000
    n = np.arange(N)
    s1 = np.sin(2 * np.pi * 440 * n / fs)
    s2 = 0.5 * np.sin(2 * np.pi * 1000 * n / fs + 0.3) + 0.2 * np.cos(2 * np.pi * 97 * n / fs)
    d = ((n * 7919) % 101) / 101 - 0.5
    s1d = np.concatenate([np.zeros(3), s1[:-3]])
    e1 = 0.9 * s1 + 0.1 * s2 + 0.05 * np.sin(2 * np.pi * 3000 * n / fs) + 0.2 * s1d
    e2 = 0.8 * s2 + 0.2 * s1 + 0.01 * d
    return np.array([s1, s2]), np.array([e1, e2])


def dither(n, j):
    return ((n * 7919 + 31 * j) % 101) / 101 - 0.5


def make_estimates(refs):
    """refs: (J, N) or (J, N, C). est_j = 0.8 s_j + 0.2 s_{j+1} + 0.01 d_j (channel c: d_j(n + 17 c))."""
    refs = np.atleast_3d(refs)
    J, N, C = refs.shape
    n = np.arange(N)
    est = np.empty_like(refs)
    for j in range(J):
        for c in range(C):
            est[j, :, c] = 0.8 * refs[j, :, c] + 0.2 * refs[(j + 1) % J, :, c] + 0.01 * dither(n + 17 * c, j)
    return est


def make_hard_estimates(refs):
    """Estimates with real artifacts: clipped mixture plus an echo beyond the 512-tap filters.
    est_j = clip(0.8 s_j + 0.2 s_{j+1}, -0.25, 0.25) + 0.15 s_j(n - 700)."""
    J, N = refs.shape
    est = np.empty_like(refs)
    for j in range(J):
        est[j] = np.clip(0.8 * refs[j] + 0.2 * refs[(j + 1) % J], -0.25, 0.25)
        est[j, 700:] += 0.15 * refs[j, :N - 700]
    return est


def stereo(refs, length):
    """(J, N) -> (J, length, 2): channel 0 = s_j[0:length], channel 1 = 0.6 s_j[length/2 : 3 length/2]
    (a different passage of the same source, so the image is not a filtered copy of channel 0, which
    would make the Gram matrix nearly singular)."""
    J = refs.shape[0]
    out = np.zeros((J, length, 2))
    for j in range(J):
        out[j, :, 0] = refs[j, :length]
        out[j, :, 1] = 0.6 * refs[j, length // 2:length // 2 + length]
    return out


def si_sdr(s, e):
    s = s - s.mean()
    e = e - e.mean()
    a = np.dot(e.ravel(), s.ravel()) / np.dot(s.ravel(), s.ravel())
    return 10 * np.log10(np.sum((a * s) ** 2) / np.sum((a * s - e) ** 2))


def get_sdr(refs, ests):
    """Magron's GetSDR (no permutation), algorithms.md 12.3."""
    S = (refs - refs.mean(axis=1, keepdims=True)).T
    E = (ests - ests.mean(axis=1, keepdims=True)).T
    G = S.T @ S
    out = {"sdr": [], "sir": [], "sar": []}
    for j in range(S.shape[1]):
        a = np.dot(S[:, j], E[:, j]) / G[j, j]
        e_true = a * S[:, j]
        e_res = E[:, j] - e_true
        e_interf = S @ np.linalg.solve(G, S.T @ e_res)
        e_artif = e_res - e_interf
        sss = np.sum(e_true ** 2)
        out["sdr"].append(10 * np.log10(sss / np.sum(e_res ** 2)))
        out["sir"].append(10 * np.log10(sss / np.sum(e_interf ** 2)))
        out["sar"].append(10 * np.log10(sss / np.sum(e_artif ** 2)))
    return out


def museval_v4(refs, ests, window, hop, flen=FLEN):
    """museval's default v4: global filters (G + eps I), images criteria per window, no permutation."""
    refs = np.atleast_3d(refs)
    ests = np.atleast_3d(ests)
    J, N, C = refs.shape
    K = J * C
    eps = np.finfo(float).eps
    flat = refs.transpose(0, 2, 1).reshape(K, N)  # k = j * C + c
    n_fft = int(2 ** np.ceil(np.log2(N + flen - 1.0)))
    sf = np.fft.rfft(flat, n=n_fft, axis=1)
    G = np.zeros((K * flen, K * flen))
    for a in range(K):
        for b in range(K):
            ssf = np.fft.irfft(sf[a] * np.conj(sf[b]), n=n_fft)
            G[a * flen:(a + 1) * flen, b * flen:(b + 1) * flen] = toeplitz(
                np.hstack((ssf[0], ssf[-1:-flen:-1])), r=ssf[:flen])
    A = {}
    Aj = {}
    for j in range(J):
        for c in range(C):
            sef = np.fft.rfft(ests[j, :, c], n=n_fft)
            D = np.zeros(K * flen)
            for a in range(K):
                ssef = np.fft.irfft(sf[a] * np.conj(sef), n=n_fft)
                D[a * flen:(a + 1) * flen] = np.hstack((ssef[0], ssef[-1:-flen:-1]))
            A[j, c] = np.linalg.solve(G + eps * np.eye(K * flen), D)
            sl = slice(j * C * flen, (j + 1) * C * flen)
            Aj[j, c] = A[j, c] if J == 1 else np.linalg.solve(G[sl, sl] + eps * np.eye(C * flen), D[sl])
    window = min(window, N)
    nwin = int(np.floor((N - window + hop) / hop))
    res = {k: np.full((J, nwin), np.nan) for k in ("sdr", "isr", "sir", "sar")}
    for t in range(nwin):
        w = slice(t * hop, t * hop + window)
        if sep._any_source_silent(refs[:, w]) or sep._any_source_silent(ests[:, w]):
            continue
        for j in range(J):
            acc = dict(ss=0, tot=0, spat=0, pjpj=0, interf=0, pp=0, artif=0)
            for c in range(C):
                P = sum(fftconvolve(A[j, c][a * flen:(a + 1) * flen], flat[a, w]) for a in range(K))
                Pj = sum(fftconvolve(Aj[j, c][i * flen:(i + 1) * flen], flat[j * C + i, w]) for i in range(C))
                s = np.hstack((refs[j, w, c], np.zeros(flen - 1)))
                e = np.hstack((ests[j, w, c], np.zeros(flen - 1)))
                acc["ss"] += np.sum(s ** 2)
                acc["tot"] += np.sum((e - s) ** 2)
                acc["spat"] += np.sum((Pj - s) ** 2)
                acc["pjpj"] += np.sum(Pj ** 2)
                acc["interf"] += 0.0 if J == 1 else np.sum((P - Pj) ** 2)
                acc["pp"] += np.sum(P ** 2)
                acc["artif"] += np.sum((e - P) ** 2)
            res["sdr"][j, t] = sep._safe_db(acc["ss"], acc["tot"])
            res["isr"][j, t] = sep._safe_db(acc["ss"], acc["spat"])
            res["sir"][j, t] = sep._safe_db(acc["pjpj"], acc["interf"])
            res["sar"][j, t] = sep._safe_db(acc["pp"], acc["artif"])
    res["median_sdr"] = np.nanmedian(res["sdr"], axis=1)
    return res


def sources_dict(r):
    return {"sdr": r[0], "sir": r[1], "sar": r[2], "perm": r[3]}


def images_dict(r):
    return {"sdr": r[0], "isr": r[1], "sir": r[2], "sar": r[3], "perm": r[4]}


def read(path, seconds):
    rate, x = wavfile.read(path)
    assert x.dtype == np.int16
    return rate, x[: int(seconds * rate)].astype(np.float64) / 32768.0


SETS = {  # name: (sources in order, excerpt seconds)
    "music_pbd_16k": (["piano", "bass", "drums"], 4.0),
    "speech_noise_16k": (["speech", "noise"], 4.0),
    "two_speakers_16k": (["spk1", "spk2"], 4.0),
}


def main():
    audio_dir = sys.argv[1]
    out = {"mir_eval_version": "0.7", "filter_length": FLEN}

    refs, ests = vectors125()
    v = {}
    v["sources_perm"] = sources_dict(sep.bss_eval_sources(refs, ests, compute_permutation=True))
    v["sources_swapped"] = sources_dict(sep.bss_eval_sources(refs, ests[::-1], compute_permutation=True))
    v["images"] = images_dict(sep.bss_eval_images(refs, ests, compute_permutation=False))
    v["framewise"] = sources_dict(sep.bss_eval_sources_framewise(refs, ests, window=4000, hop=2000))
    v["images_framewise"] = images_dict(sep.bss_eval_images_framewise(refs, ests, window=4000, hop=2000))
    v["si_sdr"] = [si_sdr(refs[j], ests[j]) for j in range(2)]
    v["get_sdr"] = get_sdr(refs, ests)
    v["single"] = sources_dict(sep.bss_eval_sources(refs[:1], ests[:1]))
    silent = refs.copy()
    silent[1, :4000] = 0  # the first 4000-sample window of reference 2 is silent
    v["framewise_silent"] = sources_dict(sep.bss_eval_sources_framewise(silent, ests, window=4000, hop=2000))
    v["v4"] = museval_v4(refs, ests, 2000, 2000)
    out["vectors125"] = v

    for name, (parts, seconds) in SETS.items():
        refs = np.array([read(f"{audio_dir}/{name}_{p}.wav", seconds)[1] for p in parts])
        rate = read(f"{audio_dir}/{name}_{parts[0]}.wav", 0.1)[0]
        ests = make_estimates(refs)[:, :, 0]
        shuffled = ests[::-1]  # given in reverse order: the permutation search must undo it
        mix = refs.sum(axis=0)
        win = hop = rate
        r = {"sources": parts, "seconds": seconds, "rate": rate}
        r["sources_perm"] = sources_dict(sep.bss_eval_sources(refs, shuffled, compute_permutation=True))
        r["images"] = images_dict(sep.bss_eval_images(refs, ests, compute_permutation=False))
        r["framewise"] = sources_dict(sep.bss_eval_sources_framewise(refs, ests, window=win, hop=hop // 2))
        r["images_framewise"] = images_dict(sep.bss_eval_images_framewise(refs, ests, window=win, hop=hop // 2))
        r["v4"] = museval_v4(refs, ests, win, hop)
        r["si_sdr"] = [si_sdr(refs[j], ests[j]) for j in range(len(parts))]
        r["si_sdri"] = [si_sdr(refs[j], ests[j]) - si_sdr(refs[j], mix) for j in range(len(parts))]
        if name == "music_pbd_16k":
            hard = make_hard_estimates(refs)
            r["hard_sources_perm"] = sources_dict(sep.bss_eval_sources(refs, hard[::-1], compute_permutation=True))
            r["hard_framewise"] = sources_dict(sep.bss_eval_sources_framewise(refs, hard, window=win, hop=hop // 2))
            r["hard_v4"] = museval_v4(refs, hard, win, hop)
            st = stereo(refs, 2 * rate)
            est_st = make_estimates(st)
            r["stereo_images_perm"] = images_dict(sep.bss_eval_images(st, est_st[::-1], compute_permutation=True))
            r["stereo_v4"] = museval_v4(st, est_st, rate // 2, rate // 2)
        out[name] = r
        print(name, "done", file=sys.stderr)
    # The speed case, whole: 30 s, 3 sources, 44.1 kHz, permutation search (estimates in
    # reverse order). Also records how long mir_eval takes here.
    parts = ["piano", "bass", "drums"]
    refs = np.array([read(f"{audio_dir}/music_pbd_44k_{p}.wav", 30.0)[1] for p in parts])
    ests = make_estimates(refs)[:, :, 0]
    t0 = time.perf_counter()
    full = sources_dict(sep.bss_eval_sources(refs, ests[::-1], compute_permutation=True))
    full["mir_eval_seconds"] = time.perf_counter() - t0
    full["sources"] = parts
    out["music_pbd_44k_full"] = full
    print("music_pbd_44k done", file=sys.stderr)
    json.dump(clean(out), sys.stdout, indent=1)


if __name__ == "__main__":
    main()
