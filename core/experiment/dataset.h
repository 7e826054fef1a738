#pragma once
// Dataset-scale evaluation (algorithms-online.md §6; issue 15): tracks of a MUSDB18-HQ-like folder
// or of a batch manifest, strided shards, one separation run per track evaluated as museval does
// (BSS Eval v4 on images, 1 s windows), the per-track JSON in museval's schema, and the aggregation
// the community reports (median over frames per track, then median - and mean - over tracks).
//
// Layouts.
// - MUSDB18-HQ: <root>/<subset>/<track>/mixture.wav and one WAV per target. Targets are the
//   MUSDB stems in museval's order (vocals, drums, bass, other) when present, else every other
//   .wav/.flac of the folder, sorted by name; accompaniment.wav and linear_mixture.wav are never
//   targets (PhaseLab estimates one signal per target and does not score the vocals/accompaniment pair).
// - A batch manifest (experiment.h): <root>/<track>/<mixture> with the manifest's source files.
// Channels are kept: a stereo track is separated channel by channel (the method runs on each
// channel with that channel's magnitudes) and scored on its stereo images.
//
// Per-track JSON (museval's musdb.schema.json, which allows further keys):
//   {"museval_version": "phaselab <version>", "targets": [{"name": "vocals", "frames":
//     [{"time": 0.0, "duration": 1.0, "metrics": {"SDR": 6.12345, "SIR": .., "SAR": .., "ISR": ..}}, ..]}, ..],
//    "phaselab": {"track", "run": <run as in an experiment>, "channels", "sample_rate", "seconds", "version"}}
// Values are rounded to 5 decimals (half to even, as museval's Decimal quantisation); NaN and
// +-inf are written as the bare token NaN, as museval does (non-strict JSON).
// Thread-safety: re-entrant.

#include <map>
#include <string>
#include <vector>

#include "core/common/progress.h"
#include "core/experiment/experiment.h"
#include "core/io/audio.h"

namespace phaselab::experiment {

struct Track {
    std::string name;                  // folder name
    std::string mixturePath;
    std::vector<std::string> targets;  // target names ("vocals", "piano", ...)
    std::vector<std::string> targetPaths;
};

// InputError if <root>/<subset> is not a folder or holds no track with a mixture.wav.
std::vector<Track> musdbTracks(const std::string& root, const std::string& subset);
// The tracks of a manifest (its sources are the targets, named after the file stems).
std::vector<Track> manifestTracks(const Manifest& manifest);
// Only the tracks named in a track-list file (one folder name per line; blank lines and lines
// starting with # ignored), in the dataset's order. InputError for a name the dataset lacks.
std::vector<Track> selectTracks(const std::vector<Track>& tracks, const std::string& listPath);
// Shard `index` of `count` (0-based): tracks index, index + count, ... of the sorted list.
std::vector<Track> shardOf(const std::vector<Track>& tracks, int index, int count);

struct MusevalOptions {
    double window = 1.0;  // seconds
    double hop = 1.0;     // seconds
    int threads = 1;
};

struct TrackEvaluation {
    std::string json;             // the per-track JSON text described above
    std::vector<Audio> estimates;  // one image per target (the mixture's channels, rate and length)
};

// Separates the track with `run` (kind "separation") and evaluates its images as museval's
// eval_mus_track (mode v4). InputError for a missing or mismatched file (rates, lengths, channel
// counts), a recovery run, or fewer than 2 targets (museval scores nothing then).
TrackEvaluation evaluateTrack(const Track& track, const RunSpec& run, const MusevalOptions& options = {},
                              const RunControl& control = {});

// Frame values of one per-track JSON: target -> metric ("SDR", "SIR", "SAR", "ISR") -> frames.
struct TrackScores {
    std::string track;
    std::vector<std::string> targets;  // in file order
    std::map<std::string, std::map<std::string, std::vector<double>>> frames;
};
// Accepts museval's own files (NaN tokens). `name` is the track (the file stem). InputError if malformed.
TrackScores parseTrackJson(const std::string& text, const std::string& name);

struct AggregateRow {
    std::string method, target, metric;
    double median = 0;  // median over tracks of the per-track median over frames (NaN frames ignored)
    double mean = 0;    // mean over tracks of the same
    int tracks = 0;     // tracks with at least one finite frame
};
// Rows sorted by method, target (first-seen order), metric (SDR, SIR, SAR, ISR).
std::vector<AggregateRow> aggregate(const std::map<std::string, std::vector<TrackScores>>& methods);

}  // namespace phaselab::experiment
