#!/usr/bin/python3
"""Issue 14's figures on the stereo test sets, in one run, against the reference implementations run
here: BSS Eval images (mir_eval.separation.bss_eval_images) and v4 (museval, 1 s windows, 512-tap
global filters) per source and per window, on the estimates of PhaseLab's per-channel Wiener and
multichannel Wiener (1 EM iteration) with oracle magnitudes; and the mean SDR (images) of both.

museval is not a Debian package: give an unmodified checkout (`git -C <mirror> archive HEAD museval |
tar -x -C DIR`). Needs Debian's python3-numpy, -scipy, -pandas, -jsonschema, -soundfile, -mir-eval.

    /usr/bin/python3 scripts/stereo_figures.py build/bin/phaselab-cli ../shared --museval DIR
"""
import json
import math
import os
import subprocess
import sys
import tempfile
import types

import numpy as np
import soundfile as sf
from mir_eval.separation import bss_eval_images

SETS = [("stereo_speech_16k", ["spk1", "spk2"], 1024, 256), ("stereo_music_44k", ["piano", "bass", "drums"], 4096, 1024)]


def cli(exe, *args):
    out = subprocess.run([exe, *args], check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def number(v):
    if v is None:
        return math.nan
    if isinstance(v, str):
        return math.inf if v == "inf" else -math.inf if v == "-inf" else math.nan
    return float(v)


def worst(a, b):
    """max |a - b| over entries finite in both; the count of entries where one is finite and the other not."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    both = np.isfinite(a) & np.isfinite(b)
    mismatch = int(np.sum(np.isfinite(a) != np.isfinite(b)))
    return (float(np.max(np.abs(a[both] - b[both]))) if both.any() else 0.0), int(both.sum()), mismatch


def main():
    exe, shared = sys.argv[1], sys.argv[2]
    sys.path.insert(0, sys.argv[sys.argv.index("--museval") + 1])
    sys.modules["musdb"] = types.ModuleType("musdb")  # museval imports it for its dataset helpers, unused here
    import museval  # noqa: E402

    folder = os.path.join(shared, "testaudio", "stereo")
    tmp = tempfile.mkdtemp()
    for name, sources, window, hop in SETS:
        mix = os.path.join(folder, name + "_mix.flac")
        refs = [os.path.join(folder, "%s_%s.flac" % (name, s)) for s in sources]
        R = np.stack([sf.read(r, dtype="float64")[0] for r in refs])
        rate = sf.info(mix).samplerate
        for method, extra in (("wiener", []), ("mc-wiener", ["--iterations", "1"])):
            out = os.path.join(tmp, name + "-" + method)
            run = cli(exe, "separate", mix, "-o", out, "--method", method, "--window", str(window), "--hop", str(hop),
                      "--reference", *refs, "--json", *extra)
            ests = run["outputs"]
            E = np.stack([sf.read(e, dtype="float64")[0] for e in ests])
            ours = cli(exe, "eval", "--mode", "images", "--no-permutation", "--reference", *refs, "--estimate", *ests, "--json")
            sdr, isr, sir, sar, _ = bss_eval_images(R, E, compute_permutation=False)
            theirs = {"sdr": sdr, "isr": isr, "sir": sir, "sar": sar}
            line = []
            for key in ("sdr", "isr", "sir", "sar"):
                d, n, m = worst([s[key] for s in ours["sources"]], theirs[key])
                line.append("%s %.1e" % (key.upper(), d))
            print("%s, %s: images vs mir_eval, max |diff| over %d sources: %s; mean SDR %.2f dB (mir_eval %.2f)"
                  % (name, method, len(sources), ", ".join(line), np.mean([s["sdr"] for s in ours["sources"]]), np.mean(sdr)))
            v4 = cli(exe, "eval", "--mode", "v4", "--reference", *refs, "--estimate", *ests, "--json", "--no-permutation")
            s4, i4, r4, a4 = museval.evaluate(R, E, win=rate, hop=rate, mode="v4", padding=True)
            theirs = {"sdr": s4, "isr": i4, "sir": r4, "sar": a4}
            line, frames, mismatches = [], 0, 0
            for key in ("sdr", "isr", "sir", "sar"):
                mine = [[number(f[key]) for f in s["frames"]] for s in v4["sources"]]
                d, n, m = worst(mine, theirs[key])
                frames, mismatches = max(frames, n), mismatches + m
                line.append("%s %.1e" % (key.upper(), d))
            print("%s, %s: v4 vs museval, every source and 1 s window (%d finite values per metric, %d finite/non-finite "
                  "mismatches): max |diff| %s" % (name, method, frames, mismatches, ", ".join(line)))


if __name__ == "__main__":
    main()
