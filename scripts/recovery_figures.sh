#!/usr/bin/env bash
# Issue 4 figure tables, measured with phaselab-cli recover --json on the shared test audio:
#  1. GL / fast GL (100 iterations, zero initial phase, Hann 2048 / 512) vs librosa 0.11's figures;
#  2. initial phase zero / random / PU for GL and fast GL at equal iterations (music 44.1 kHz
#     2048 / 512, speech 16 kHz 1024 / 256);
#  3. Bregman (beta-divergence) retrieval, beta in {0, 0.5, 1, 2}, right side, gradient descent
#     (d = 1 and 2) and ADMM (d = 1), against GL at equal time (iterations chosen so each run takes about
#     as long as 100 GL iterations: the per-iteration CPU time of each method is measured from
#     two short probe runs, which is robust to the machine's load, unlike wall time):
#     spectral convergence and waveform SNR (against the original; GL-type methods recover the
#     signal only up to sign and other ambiguities, so SNRs near 0 dB or below are expected).
#  4. PGHI (issue 12): PGHI alone, GL / FGLA from zero, PU and PGHI (100 iterations), at redundancy
#     4 and 8, on music, speech, the first 10 s of real music and a stationary sinusoid; with the
#     wall time of PGHI against one GL iteration (from the same runs).
# Usage: scripts/recovery_figures.sh [BUILD_DIR] [THREADS] [SECTIONS]   (default: build, 1, "1 2 3 4")
# Prints Markdown tables. Takes several minutes (about 40 runs on 30 s of music, 50 for section 4).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD="${1:-build}"
THREADS="${2:-1}"
SECTIONS="${3:-1 2 3 4}"
CLI="$BUILD/bin/phaselab-cli"
[ -x "$CLI" ] || { echo "no $CLI: build phaselab-cli first" >&2; exit 1; }
AUDIO="../shared/testaudio"
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT

CLI="$CLI" AUDIO="$AUDIO" OUT="$OUT" THREADS="$THREADS" SECTIONS="$SECTIONS" python3 - <<'PY'
import json, os, resource, subprocess, wave

cli, audio, out, threads = os.environ["CLI"], os.environ["AUDIO"], os.environ["OUT"], os.environ["THREADS"]
sections = os.environ["SECTIONS"].split()
sets = {
    "music (music_pbd_44k_mix, 2048/512)": (f"{audio}/music_pbd_44k_mix.wav", ["--window", "2048", "--hop", "512"]),
    "speech (speech_noise_16k_speech, 1024/256)": (f"{audio}/speech_noise_16k_speech.wav", ["--window", "1024", "--hop", "256"]),
}

def run(path, stft, *args):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    r = subprocess.run([cli, "recover", path, "-o", f"{out}/y.wav", "--json", "--force", "--threads", threads, *stft, *args],
                       capture_output=True, text=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if r.returncode != 0:
        raise SystemExit(f"phaselab-cli failed ({' '.join(args)}): {r.stderr}")
    result = json.loads(r.stdout)
    result["cpu"] = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return result

def cpu_per_iteration(path, stft, *args):
    """CPU seconds per iteration from two probe runs (the difference cancels reading and set-up)."""
    t10 = run(path, stft, *args, "--iterations", "10")["cpu"]
    t30 = run(path, stft, *args, "--iterations", "30")["cpu"]
    return max((t30 - t10) / 20, 1e-6)

def fmt(x):
    return f"{x:.2f}"

music_path, music_stft = sets["music (music_pbd_44k_mix, 2048/512)"]

def section1():
    print("## 1. Griffin-Lim vs librosa 0.11 (music, Hann 2048/512, zero initial phase, 100 iterations)\n")
    print("| method | librosa | PhaseLab, phase ref. frame start (= librosa init=None) | PhaseLab, phase ref. frame centre (default) |")
    print("|---|---|---|---|")
    for method, ref in (("gl", -19.20), ("fgla", -26.24)):
        start = run(music_path, music_stft, "--method", method, "--phase-reference", "start")
        centre = run(music_path, music_stft, "--method", method)
        print(f"| {method} | {fmt(ref)} | {fmt(start['spectral_convergence_db'])} ({start['seconds']:.1f} s) "
              f"| {fmt(centre['spectral_convergence_db'])} ({centre['seconds']:.1f} s) |")

def section2():
    print("\n## 2. Initial phase for GL / fast GL (spectral convergence in dB, 100 iterations; PU alone = 0 iterations)\n")
    print("| set | method | zero | random (seed 0) | PU | PU alone |")
    print("|---|---|---|---|---|---|")
    for name, (path, stft) in sets.items():
        pu = run(path, stft, "--method", "pu")["spectral_convergence_db"]
        for method in ("gl", "fgla"):
            row = [run(path, stft, "--method", method, "--init", init)["spectral_convergence_db"] for init in ("zero", "random", "pu")]
            print(f"| {name} | {method} | " + " | ".join(fmt(v) for v in row) + f" | {fmt(pu)} |")

def section3():
    print("\n## 3. Bregman phase retrieval vs GL at equal time (right side, zero initial phase, default steps)\n")
    print("| set | method | iterations | CPU s / iteration | wall s | spectral convergence (dB) | SNR (dB) |")
    print("|---|---|---|---|---|---|---|")
    for name, (path, stft) in sets.items():
        per_gl = cpu_per_iteration(path, stft, "--method", "gl")
        budget = 100 * per_gl
        gl = run(path, stft, "--method", "gl", "--iterations", "100")
        print(f"| {name} | GL | 100 | {per_gl:.4f} | {gl['seconds']:.2f} | {fmt(gl['spectral_convergence_db'])} | {fmt(gl['snr_db'])} |")
        fg = run(path, stft, "--method", "fgla", "--iterations", "100")
        print(f"| {name} | FGLA | 100 | - | {fg['seconds']:.2f} | {fmt(fg['spectral_convergence_db'])} | {fmt(fg['snr_db'])} |")
        for solver, power in (("gd", "1"), ("gd", "2"), ("admm", "1")):
            for beta in ("0", "0.5", "1", "2"):
                args = ["--method", "bregman", "--beta", beta, "--solver", solver, "--power", power]
                per = cpu_per_iteration(path, stft, *args)
                iterations = max(1, min(3000, round(budget / per)))
                r = run(path, stft, *args, "--iterations", str(iterations))
                print(f"| {name} | Bregman {solver} d={power} beta={beta} | {iterations} | {per:.4f} | {r['seconds']:.2f} | "
                      f"{fmt(r['spectral_convergence_db'])} | {fmt(r['snr_db'])} |", flush=True)

def section4():
    print("\n## 4. PGHI (spectral convergence in dB; Hann; 100 iterations; the first 10 s of real music)\n")
    print("| signal | window / hop (redundancy) | zero phase | PGHI | GL | FGLA | FGLA from PU | FGLA from PGHI | GL from PGHI | PGHI s / GL s per iteration |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    real10 = f"{out}/real_music_10s.wav"
    with wave.open(f"{audio}/real_music_44k.wav") as src, wave.open(real10, "wb") as dst:
        dst.setparams(src.getparams())
        dst.writeframes(src.readframes(10 * src.getframerate()))
    signals = [
        ("music_pbd_44k_mix", f"{audio}/music_pbd_44k_mix.wav", 2048),
        ("real_music_44k, 10 s", real10, 2048),
        ("speech_noise_16k_speech", f"{audio}/speech_noise_16k_speech.wav", 512),
        ("two_speakers_16k_spk1", f"{audio}/two_speakers_16k_spk1.wav", 512),
        ("tone440_44k (stationary sinusoid)", f"{audio}/tone440_44k.wav", 2048),
    ]
    for name, path, window in signals:
        for redundancy in (4, 8):
            stft = ["--window", str(window), "--hop", str(window // redundancy)]
            gl = run(path, stft, "--method", "gl")
            zero = gl["trace"][0]["spectral_convergence_db"]  # iteration 1 reports the signal of the zero-phase start
            pghi = run(path, stft, "--method", "pghi")
            cells = [pghi["spectral_convergence_db"], gl["spectral_convergence_db"]]
            cells += [run(path, stft, "--method", "fgla", "--init", init)["spectral_convergence_db"] for init in ("zero", "pu", "pghi")]
            cells.append(run(path, stft, "--method", "gl", "--init", "pghi")["spectral_convergence_db"])
            ratio = pghi["seconds"] / (gl["seconds"] / gl["iterations"])
            print(f"| {name} | {window} / {window // redundancy} ({redundancy}) | {fmt(zero)} | " + " | ".join(fmt(v) for v in cells) +
                  f" | {ratio:.1f} |", flush=True)

for section in sections:
    {"1": section1, "2": section2, "3": section3, "4": section4}[section]()
PY
