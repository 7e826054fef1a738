# Phase views of the demo mixture and the von Mises fit of a piano note region.
set -euo pipefail
for view in centred kappa; do
  $CLI phase "$DEMO/mix.flac" --view $view -o "$OUT/mix_phase_$view.png" --scale log --force
done
$CLI vonmises "$DEMO/piano.flac" --start 2 --end 4 --fmin 200 --fmax 1000
