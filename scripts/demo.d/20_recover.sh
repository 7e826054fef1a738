# Phase recovery: keep |STFT| of the mixture, rebuild the phase with fast Griffin-Lim from the
# sinusoidal (PU) initial phase.
set -euo pipefail
$CLI recover "$DEMO/mix.flac" -o "$OUT/mix_fgla_pu.wav" --method fgla --init pu --iterations 100 --force --json > "$OUT/mix_fgla_pu.json"
grep -E '^    "(method|iterations|seconds|spectral_convergence_db|snr_db)"' "$OUT/mix_fgla_pu.json"
