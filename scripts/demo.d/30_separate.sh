# Oracle separation of the demo: MISI (20 iterations) from the true source magnitudes, scored
# against the true sources (BSS Eval v3, as mir_eval).
set -euo pipefail
mkdir -p "$OUT/misi"
$CLI separate "$DEMO/mix.flac" -o "$OUT/misi" --method misi --iterations 20 --magnitudes oracle --force \
  --reference "$DEMO/piano.flac" "$DEMO/bass.flac" "$DEMO/drums.flac" --eval
