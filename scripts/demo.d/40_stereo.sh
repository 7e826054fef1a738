# The stereo demo (the same stems as panned, delayed stereo images): its inter-channel phase and
# panning map, and the multichannel Wiener filter (EM, 3 iterations) from the oracle magnitudes,
# scored on the stereo images (BSS Eval images, as mir_eval).
set -euo pipefail
S="$DEMO/stereo"
for view in ipd panning-map; do
  $CLI phase "$S/mix.flac" --view $view -o "$OUT/stereo_$view.png" --force
done
$CLI vonmises "$S/mix.flac" --ipd --fmax 4000
mkdir -p "$OUT/stereo_mc_wiener"
$CLI separate "$S/mix.flac" -o "$OUT/stereo_mc_wiener" --method mc-wiener --iterations 3 --magnitudes oracle --force \
  --reference "$S/piano.flac" "$S/bass.flac" "$S/drums.flac" --eval
