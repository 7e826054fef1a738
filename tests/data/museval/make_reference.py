#!/usr/bin/python3
"""museval's own per-track JSON for PhaseLab's dataset-evaluation test (tests/test_cli_batch.cpp).

museval (sigsep/sigsep-mus-eval) is not a Debian package: this script runs an unmodified checkout of
it from a folder given on the command line, with Debian's python3-numpy, -scipy, -pandas,
-simplejson, -jsonschema and -soundfile. Its `musdb` import (only needed for loading MUSDB itself)
is satisfied by an empty stand-in module; the track is a small object with the attributes
eval_mus_track reads (name, rate, subset, targets[name].audio).

    git -C <museval mirror> archive HEAD museval | tar -x -C /tmp/museval
    build/bin/phaselab-cli batch --dataset musdb:DATASET -o ESTIMATED --window 1024 --hop 256 --save-estimates
    /usr/bin/python3 make_reference.py /tmp/museval DATASET ESTIMATED tests/data/museval track-b track-c

DATASET is the layout test_cli_batch builds (test/track-b: speech_noise_16k mixture, speech, noise;
test/track-c: the stereo_speech_16k set); ESTIMATED/estimates/test/<track>/<target>.wav are the
estimates PhaseLab scored. Writes <out>/<track>.json exactly as museval does (eval_mus_track with
output_dir, mode v4, 1 s windows).
"""
import collections
import os
import shutil
import sys
import tempfile
import types

import soundfile as sf

museval_dir, dataset, estimated, out = sys.argv[1:5]
tracks = sys.argv[5:]
sys.modules["musdb"] = types.ModuleType("musdb")
sys.path.insert(0, museval_dir)
import museval  # noqa: E402


class Target:
    def __init__(self, path):
        self.audio, self.rate = sf.read(path, always_2d=True)


class Track:
    def __init__(self, folder, name):
        self.name, self.subset = name, "test"
        files = sorted(f for f in os.listdir(folder) if f.split(".")[0] != "mixture")
        self.targets = collections.OrderedDict((f.split(".")[0], Target(os.path.join(folder, f))) for f in files)
        self.rate = next(iter(self.targets.values())).rate


with tempfile.TemporaryDirectory() as tmp:
    for name in tracks:
        track = Track(os.path.join(dataset, "test", name), name)
        estimates = {t: sf.read(os.path.join(estimated, "estimates", "test", name, t + ".wav"), always_2d=True)[0]
                     for t in track.targets}
        museval.eval_mus_track(track, estimates, output_dir=tmp)
        shutil.copy(os.path.join(tmp, "test", name + ".json"), os.path.join(out, name + ".json"))
        print(name, "done")
