#pragma once
// Experiment files: a reproducible record of runs on one mixture (and its true sources), as JSON.
//
// {"format": "phaselab-experiment", "version": 1, "library_version": "0.1.0",
//  "mixture": {"name": "mix", "path": "mix.flac", "checksum": "fnv1a64:…"},
//  "references": [{"name": "piano", "path": …, "checksum": …}, …],
//  "runs": [{"kind": "separation" | "recovery", "algorithm": "misi", "parameters": {"iterations": 5, …},
//            "magnitudes": "oracle", "stft": {"window": 2048, "hop": 512, "fft": 2048, "window_type": "hann"},
//            "channels": "per-channel" | "mono-downmix" | "joint",
//            "metrics": {"sdr": […], "sir": […], "sar": […], "isr": […]}}],
//  "listening": [<results of listening tests>], "view": {<view settings>}}  (both optional)
// Relative paths are relative to the experiment file's folder. Checksums (FNV-1a 64 of the file's
// bytes) make a re-run refuse inputs that changed. A run of a multichannel mixture works channel by
// channel ("per-channel": the method on each channel, references and outputs with the mixture's
// channels) or on the mono downmix ("mono-downmix", also what a file without "channels" means, as
// experiments were before); a mono mixture is the same either way. mc-wiener separates every channel
// at once ("joint", its only multichannel handling; oracle magnitudes). Separation metrics are BSS Eval
// v3, no permutation, reference order: bss_eval_sources on mono outputs, bss_eval_images (with
// "isr") on multichannel ones; recovery metrics are spectral_convergence_db and snr_db (over all
// channels, recovery::combineChannelFigures).
// Writes are atomic (temporary file, then rename) and never replace a file unless asked.
// Names (of the mixture, the references) come from a file people share: a program that makes
// file names from them goes through safeFileName()/uniqueFileNames() (core/io/output_policy.h).
// Thread-safety: re-entrant.

#include <Eigen/Core>
#include <map>
#include <string>
#include <vector>

#include "core/common/description.h"
#include "core/common/progress.h"
#include "core/tf/stft.h"

namespace phaselab::experiment {

struct InputFile {
    std::string name;
    std::string path;      // as written in the file
    std::string checksum;  // "fnv1a64:<16 hex digits>"
};

struct RunSpec {
    std::string kind = "separation";  // "separation" or "recovery"
    std::string algorithm;            // an id of `phaselab-cli algorithms`
    ParamValues parameters;
    std::string magnitudes = "oracle";  // separation: oracle, nmf or hpss
    StftConfig stft;
    std::string channels = "mono-downmix";  // or "per-channel", or "joint" for mc-wiener (see above)
    std::map<std::string, std::vector<double>> metrics;  // stored figures (dB)
};

struct Experiment {
    int version = 1;
    std::string libraryVersion;
    InputFile mixture;
    std::vector<InputFile> references;
    std::vector<RunSpec> runs;
    // Kept verbatim for the application (JSON text; empty when absent): the results of listening
    // tests made on these inputs (a list), and view settings (an object: scale, colour map, ...).
    std::string listeningJson;
    std::string viewJson;
};

std::string checksum(const std::string& path);  // InputError if unreadable

// InputError naming the file and the problem: unreadable, not JSON (with the byte position:
// corrupted or truncated), not an experiment, unknown version, missing, ill-typed or out-of-range
// fields (a window of 4294967808 or 1e300 is refused, never wrapped).
Experiment read(const std::string& path);
// The same from the file's text; `source` names it in messages.
Experiment parse(const std::string& text, const std::string& source);
// InputError if `path` exists and !overwrite, or it cannot be written.
void write(const Experiment& e, const std::string& path, bool overwrite = false);

struct RunOutput {
    std::vector<std::string> names;        // one per output signal
    std::vector<Eigen::ArrayXXf> waveforms;  // the mixture's length; its channels (per-channel) or one
    double sampleRate = 0;
    std::map<std::string, std::vector<double>> metrics;
    double seconds = 0;
};

// Re-runs `run` on the experiment's inputs (paths resolved against baseDir) with `threads` worker
// threads (>= 1) for the STFTs and the metrics. InputError if an input is missing or its checksum
// changed, or the run names an unknown algorithm.
RunOutput execute(const Experiment& e, const RunSpec& run, const std::string& baseDir, const RunControl& control = {},
                  int threads = 1);

// `path` as written in an experiment, resolved against the experiment file's folder.
std::string resolvePath(const std::string& baseDir, const std::string& path);

// The run as an experiment file stores it (one JSON object: kind, algorithm, parameters, magnitudes, stft).
std::string runJson(const RunSpec& run);

// Largest |stored - reproduced| over the figures both hold (dB); -1 if none compared.
double maxDifference(const RunSpec& run, const RunOutput& output);

// Batch evaluation over many mixtures laid out like musdb: <root>/<track>/<mixture file> and one
// file per source. A manifest (JSON) names the layout and the runs:
//   {"format": "phaselab-batch", "root": "tracks", "mixture": "mixture.wav",
//    "sources": ["bass.wav", "drums.wav", ...], "runs": [<runs as in an experiment>]}
// Each track is an independent job (so a cluster's job array or GNU parallel can split them):
// dataset.h evaluates a run on a track in museval's format and aggregates the results.
struct Manifest {
    std::string root;     // resolved against the manifest's folder
    std::string mixture = "mixture.wav";
    std::vector<std::string> sources;
    std::vector<RunSpec> runs;
};
// InputError as for read(); the mixture and source names must stay inside each track folder
// (relative, no "..").
Manifest readManifest(const std::string& path);
Manifest parseManifest(const std::string& text, const std::string& source);
std::vector<std::string> tracks(const Manifest& m);  // sorted names of the folders holding the mixture
}  // namespace phaselab::experiment
