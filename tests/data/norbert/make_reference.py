#!/usr/bin/python3
"""norbert's multichannel Wiener EM on the stereo test sets, for tests/test_separation_multichannel.cpp.

norbert (sigsep/norbert) is not a Debian package: this script imports an unmodified checkout of it
from a folder given on the command line, with Debian's python3-numpy, python3-mir-eval and
python3-soundfile:

    git -C <norbert mirror> archive HEAD norbert | tar -x -C /tmp/norbert
    /usr/bin/python3 make_reference.py /tmp/norbert ../../../../shared/testaudio/stereo > reference.json

For each set (the first 8 s), with PhaseLab's STFT conventions (core/tf/stft.h: periodic Hann,
frame t centred on sample t*hop, zeros outside, zero-phase DFT, least-squares inverse) written out
below in numpy, the oracle magnitudes |STFT| of each source image per channel go into
norbert.wiener(v, x, iterations) with the mixture in double precision (complex128, so norbert's eps
is the double epsilon); the estimated images are scored by mir_eval.separation.bss_eval_images
(no permutation). PhaseLab must reach the same SDR within 0.05 dB.
"""
import json
import sys

import numpy as np
import soundfile as sf
from mir_eval.separation import bss_eval_images

sys.path.insert(0, sys.argv[1])
import norbert  # noqa: E402

folder = sys.argv[2]
SETS = [("stereo_speech_16k", ["spk1", "spk2"], 1024, 256),
        ("stereo_music_44k", ["piano", "bass", "drums"], 4096, 1024)]
SECONDS = 8
ITERATIONS = [0, 1, 3]


def window(n):
    return 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(n) / n)


def stft(x, n, hop):
    """One channel: bins x frames, frame t centred on t*hop, phase referred to the frame centre."""
    w = window(n)
    frames = 1 + len(x) // hop
    padded = np.concatenate([np.zeros(n // 2), x, np.zeros(n + hop)])
    out = np.empty((n // 2 + 1, frames), complex)
    for t in range(frames):
        seg = padded[t * hop: t * hop + n] * w
        out[:, t] = np.fft.rfft(np.roll(seg, -(n // 2)))
    return out


def istft(X, n, hop, length):
    w = window(n)
    frames = X.shape[1]
    acc = np.zeros(frames * hop + 2 * n)
    env = np.zeros_like(acc)
    for t in range(frames):
        seg = np.roll(np.fft.irfft(X[:, t], n), n // 2) * w
        acc[t * hop: t * hop + n] += seg
        env[t * hop: t * hop + n] += w * w
    half = n // 2
    acc, env = acc[half: half + length], env[half: half + length]
    return np.where(env > 1e-12, acc / np.maximum(env, 1e-300), 0.0)


result = {"seconds": SECONDS, "sets": []}
for name, sources, n, hop in SETS:
    mix, rate = sf.read(f"{folder}/{name}_mix.flac", always_2d=True)
    length = int(SECONDS * rate)
    mix = mix[:length]
    images = [sf.read(f"{folder}/{name}_{s}.flac", always_2d=True)[0][:length] for s in sources]
    C = mix.shape[1]
    # norbert's layout: x (frames, bins, channels), v (frames, bins, channels, sources)
    x = np.stack([stft(mix[:, c], n, hop).T for c in range(C)], axis=-1).astype(np.complex128)
    v = np.stack([np.stack([np.abs(stft(img[:, c], n, hop)).T for c in range(C)], axis=-1) for img in images], axis=-1)
    entry = {"set": name, "sources": sources, "window": n, "hop": hop, "runs": []}
    reference = np.stack(images)  # (sources, samples, channels)
    for iterations in ITERATIONS:
        y = norbert.wiener(v.copy(), x.copy(), iterations)
        estimates = np.stack([np.stack([istft(y[..., c, j].T, n, hop, length) for c in range(C)], axis=-1)
                              for j in range(len(sources))])
        sdr, isr, sir, sar, _ = bss_eval_images(reference, estimates, compute_permutation=False)
        entry["runs"].append({"iterations": iterations, "sdr": sdr.tolist(), "isr": isr.tolist(),
                              "sir": sir.tolist(), "sar": sar.tolist()})
        print(name, iterations, np.round(sdr, 3), file=sys.stderr)
    result["sets"].append(entry)
json.dump(result, sys.stdout, indent=1)
print()
