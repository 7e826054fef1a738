#!/usr/bin/python3
"""Makes resources/demo/stereo/ from the mono demo stems one folder up (bit-identical on re-run).

Each stem becomes a stereo image: a constant-power pan (g_L = cos t, g_R = sin t, t = (pan + 1) pi / 4),
an inter-channel delay (positive: the right channel later) and a short decorrelated room tail
(exponentially decaying noise per channel, fixed seed). Images are quantised to 16 bits and the mixture
is their exact integer sum. Needs python3-numpy, python3-scipy and python3-soundfile (Debian).

Usage: /usr/bin/python3 scripts/make_stereo_demo.py
"""
import os

import numpy as np
import soundfile as sf
from scipy.signal import fftconvolve

DEMO = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "demo")
STEMS = [("piano", -0.5, -6, -14.0), ("bass", 0.0, 0, -20.0), ("drums", 0.45, 8, -14.0)]  # pan, delay, wet dB


def stereo_image(mono, sr, pan, delay, wet_db, rng):
    t = (pan + 1) * np.pi / 4
    n, d = len(mono), abs(delay)
    late = np.concatenate([np.zeros(d), mono[: n - d]])
    left, right = (np.cos(t) * mono, np.sin(t) * late) if delay >= 0 else (np.cos(t) * late, np.sin(t) * mono)
    dry = np.stack([left, right], axis=1)
    k = np.arange(int(0.4 * sr)) / sr
    tail = rng.standard_normal((len(k), 2)) * (10.0 ** (-3.0 * k / 0.35))[:, None]
    tail[: int(0.004 * sr)] = 0.0
    wet = np.stack([fftconvolve(mono, tail[:, c])[:n] for c in range(2)], axis=1)
    wet *= 10 ** (wet_db / 20) * np.sqrt(np.mean(dry ** 2) / np.mean(wet ** 2))
    return dry + wet


def main():
    rng = np.random.default_rng(14)
    images = []
    for name, pan, delay, wet in STEMS:
        x, sr = sf.read(os.path.join(DEMO, f"{name}.flac"), dtype="float64")
        images.append(stereo_image(x, sr, pan, delay, wet, rng))
    gain = 0.9 / np.max(np.abs(sum(images)))
    q = [np.round(im * gain * 32767).astype(np.int32) for im in images]
    mix = np.sum(q, axis=0)
    assert np.max(np.abs(mix)) <= 32767
    out = os.path.join(DEMO, "stereo")
    os.makedirs(out, exist_ok=True)
    for (name, *_), im in zip(STEMS, q):
        sf.write(os.path.join(out, f"{name}.flac"), im.astype(np.int16), sr, subtype="PCM_16")
    sf.write(os.path.join(out, "mix.flac"), mix.astype(np.int16), sr, subtype="PCM_16")


if __name__ == "__main__":
    main()
