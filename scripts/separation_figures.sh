#!/bin/sh
# Acceptance figures of the separation issue (algorithms.md §13; issue 5), with oracle magnitudes
# (and supervised NMF), evaluated by phaselab-cli --eval (BSS Eval v3 bss_eval_sources, as mir_eval).
# Prints a Markdown table: per-source SDR, mean SDR / SIR, and the reference figures.
#   usage: scripts/separation_figures.sh [BUILD_DIR] [OUT.md]     (default build/, stdout)
# Takes a few minutes (30 s of 44.1 kHz audio per run; PU-Iter is the slowest).
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
out=${2:-/dev/stdout}
cli=$build/bin/phaselab-cli
audio=$here/../shared/testaudio
py=/usr/bin/python3
[ -x "$cli" ] || { echo "no $cli: build phaselab-cli first" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
threads=${THREADS:-2}

music="$audio/music_pbd_44k_mix.wav --reference $audio/music_pbd_44k_piano.wav $audio/music_pbd_44k_bass.wav $audio/music_pbd_44k_drums.wav --window 2048 --hop 512"
speech="$audio/speech_noise_16k_mix.wav --reference $audio/speech_noise_16k_speech.wav $audio/speech_noise_16k_noise.wav --window 1024 --hop 256"

row() {  # row SET LABEL REFERENCE -- cli options...
    set_name=$1; label=$2; ref=$3; shift 4
    eval "inputs=\$$set_name"
    n=$(ls "$tmp" | wc -l)
    # shellcheck disable=SC2086
    "$cli" separate $inputs -o "$tmp/$n" --eval --json --threads "$threads" "$@" > "$tmp/$n.json"
    $py - "$tmp/$n.json" "$set_name" "$label" "$ref" <<'PY'
import json, sys
o = json.load(open(sys.argv[1]))
sources = o["metrics"]["sources"]
sdr = " / ".join("%.2f" % s["sdr"] for s in sources)
mean = lambda key: sum(s[key] for s in sources) / len(sources)
print("| %s | %s | %s | %.2f | %.2f | %s | %.1f |" % (sys.argv[2], sys.argv[3], sdr, mean("sdr"), mean("sir"), sys.argv[4], o["seconds"]))
PY
}

{
echo "| set | method | SDR per source (dB) | mean SDR | mean SIR | reference SDR | seconds |"
echo "|---|---|---|---|---|---|---|"
row music "Wiener (oracle)" "10.16 / 6.66 / 10.48" -- --method wiener
row music "\|S_j\| + mixture phase" "8.13 / 5.22 / 10.15" -- --method mixture-phase
row music "MISI 5 it. (magnitude-first, AM init)" "12.96 / 10.82 / 15.12" -- --method misi --iterations 5
row music "MISI 20 it." "20.73 / 18.49 / 24.61" -- --method misi --iterations 20
row music "MISI 20 it. from PGHI" "-" -- --method misi --iterations 20 --init pghi
row music "MISI 20 it. from PGHI, mixture phase where a source dominates" "-" -- --method misi --iterations 20 --init pghi-masked
row music "MISI 5 it. mix-first (variant A)" "-" -- --method misi --iterations 5 --order mix-first
row music "supervised NMF K=10 KL 200 it., magnitude-ratio mask, seed 0" "7.94 / 3.14 / 6.71" -- --method nmf --components 10 --nmf-iterations 200 --beta 1 --exponent 1
for seed in 0 1 2 3; do
row music "supervised NMF K=10 KL 200 it., power-ratio mask, seed $seed" "7.94 / 3.14 / 6.71" -- --method nmf --components 10 --nmf-iterations 200 --beta 1 --exponent 2 --seed $seed
done
row music "AW kappa=1" "-" -- --method aw --kappa 1
row music "AW-var (ML kappa per source)" "-" -- --method aw --kappa-mode estimated
row music "CW weight 4" "-" -- --method cw --weight 4
row music "CAW kappa=1 weight 10" "-" -- --method caw --kappa 1 --weight 10
row music "PU-Iter 50 it." "-" -- --method pu-iter --iterations 50
row music "PU-Iter 50 it., PGHI phase advance" "-" -- --method pu-iter --iterations 50 --init pghi
row music "PU-Iter 50 it., PGHI-masked phase advance" "-" -- --method pu-iter --iterations 50 --init pghi-masked
row music "Bregman MISI KL d=1 right, step 1e-2, 5 it." "-" -- --method bregman-misi --beta 1 --step 0.01
row music "CNMF (sigma=0), K=10, 100 it." "-" -- --method cnmf --sigma 0
row music "CNMF-phi (sigma=0.01), K=10, 100 it." "-" -- --method cnmf --sigma 0.01
row music "ISNMF + Wiener (cisnmf kappa=0), K=10" "-" -- --method cisnmf --kappa 0
row music "complex ISNMF kappa=0.5 tau=1, K=10" "-" -- --method cisnmf --kappa 0.5 --tau 1
row music "ISNMF + Wiener (cisnmf kappa=0), K=50 (the paper's K)" "-" -- --method cisnmf --kappa 0 --components 50
row music "complex ISNMF kappa=0.1 tau=1, K=50" "-" -- --method cisnmf --kappa 0.1 --tau 1 --components 50
row music "BAG kappa=5 tau=0.5, 150 it." "-" -- --method bag
row speech "Wiener (oracle)" "12.51 / 13.02" -- --method wiener
row speech "\|S_j\| + mixture phase" "-" -- --method mixture-phase
row speech "MISI 20 it." "about 40.6 / 40.6" -- --method misi --iterations 20
row speech "MISI 20 it. from PGHI" "-" -- --method misi --iterations 20 --init pghi
row speech "MISI 20 it. from PGHI, mixture phase where a source dominates" "-" -- --method misi --iterations 20 --init pghi-masked
row speech "AW kappa=1" "-" -- --method aw --kappa 1
row speech "AW-var (ML kappa per source)" "-" -- --method aw --kappa-mode estimated
row speech "CW weight 4" "-" -- --method cw --weight 4
row speech "CAW kappa=1 weight 10" "-" -- --method caw --kappa 1 --weight 10
row speech "PU-Iter 50 it." "-" -- --method pu-iter --iterations 50
row speech "PU-Iter 50 it., PGHI phase advance" "-" -- --method pu-iter --iterations 50 --init pghi
row speech "PU-Iter 50 it., PGHI-masked phase advance" "-" -- --method pu-iter --iterations 50 --init pghi-masked
row speech "ISNMF + Wiener (cisnmf kappa=0), K=10" "-" -- --method cisnmf --kappa 0
row speech "complex ISNMF kappa=0.5 tau=1, K=10" "-" -- --method cisnmf --kappa 0.5 --tau 1
row speech "ISNMF + Wiener (cisnmf kappa=0), K=50 (the paper's K)" "-" -- --method cisnmf --kappa 0 --components 50
row speech "complex ISNMF kappa=0.1 tau=1, K=50" "-" -- --method cisnmf --kappa 0.1 --tau 1 --components 50
row speech "BAG kappa=5 tau=0.5, 150 it." "-" -- --method bag
} > "$out"
