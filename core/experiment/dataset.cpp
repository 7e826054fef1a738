#include "core/experiment/dataset.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "core/common/error.h"
#include "core/io/audio.h"
#include "core/metrics/bss_eval.h"
#include "core/separation/multichannel_wiener.h"
#include "core/separation/pipeline.h"

namespace phaselab::experiment {
namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

bool isAudio(const fs::path& p) {
    const std::string ext = p.extension().string();
    return ext == ".wav" || ext == ".flac";
}

// <dir>/<stem>.wav or .flac, "" if neither exists.
std::string audioFile(const fs::path& dir, const std::string& stem) {
    for (const char* ext : {".wav", ".flac"})
        if (fs::exists(dir / (stem + ext))) return (dir / (stem + ext)).string();
    return "";
}

Track musdbTrack(const fs::path& dir) {
    Track t;
    t.name = dir.filename().string();
    t.mixturePath = audioFile(dir, "mixture");
    const std::vector<std::string> musdb{"vocals", "drums", "bass", "other"};
    if (std::all_of(musdb.begin(), musdb.end(), [&](const std::string& s) { return !audioFile(dir, s).empty(); })) {
        t.targets = musdb;
    } else {
        std::error_code ec;
        for (const auto& entry : fs::directory_iterator(dir, ec)) {
            const std::string stem = entry.path().stem().string();
            if (entry.is_regular_file() && isAudio(entry.path()) && stem != "mixture" && stem != "accompaniment" &&
                stem != "linear_mixture")
                t.targets.push_back(stem);
        }
        std::sort(t.targets.begin(), t.targets.end());
        t.targets.erase(std::unique(t.targets.begin(), t.targets.end()), t.targets.end());
    }
    for (const auto& s : t.targets) t.targetPaths.push_back(audioFile(dir, s));
    return t;
}

// Samples x channels in double (BSS Eval's signal type).
metrics::Signal toSignal(const Eigen::ArrayXXf& a) { return a.cast<double>(); }

// museval's number format: 5 decimals, half to even on the exact binary value (printf does that);
// NaN and +-inf as the bare token NaN.
std::string metricText(double v) {
    if (!std::isfinite(v)) return "NaN";
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.5f", v);
    return buffer;
}

// Python's float repr for the time stamps (0.0, 1.0, 2.5).
std::string secondsText(double v) {
    char buffer[64];
    const auto r = std::to_chars(buffer, buffer + sizeof buffer, v);
    std::string s(buffer, r.ptr);
    if (s.find_first_of(".e") == std::string::npos) s += ".0";
    return s;
}

// Replaces the bare tokens NaN, Infinity and -Infinity outside strings by null (nlohmann::json
// reads strict JSON only).
std::string strictJson(const std::string& text) {
    std::string out;
    out.reserve(text.size());
    bool inString = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (inString) {
            out += c;
            if (c == '\\' && i + 1 < text.size()) out += text[++i];
            else if (c == '"') inString = false;
            continue;
        }
        if (c == '"') inString = true;
        for (const char* token : {"NaN", "-Infinity", "Infinity"}) {
            const std::size_t n = std::char_traits<char>::length(token);
            if (text.compare(i, n, token) == 0) {
                out += "null";
                i += n - 1;
                goto next;
            }
        }
        out += c;
    next:;
    }
    return out;
}

double median(std::vector<double> v) {
    if (v.empty()) return NAN;
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

std::vector<double> finite(const std::vector<double>& v) {
    std::vector<double> out;
    for (double x : v)
        if (std::isfinite(x)) out.push_back(x);
    return out;
}

}  // namespace

std::vector<Track> musdbTracks(const std::string& root, const std::string& subset) {
    const fs::path dir = fs::path(root) / subset;
    std::error_code ec;
    if (!fs::is_directory(dir, ec))
        throw InputError("the dataset folder '" + dir.string() + "' does not exist (expected <root>/" + subset + "/<track>/mixture.wav)");
    std::vector<Track> tracks;
    for (const auto& entry : fs::directory_iterator(dir, ec))
        if (entry.is_directory() && !audioFile(entry.path(), "mixture").empty()) tracks.push_back(musdbTrack(entry.path()));
    if (tracks.empty()) throw InputError("no track folder in '" + dir.string() + "' holds a mixture.wav");
    std::sort(tracks.begin(), tracks.end(), [](const Track& a, const Track& b) { return a.name < b.name; });
    return tracks;
}

std::vector<Track> manifestTracks(const Manifest& m) {
    std::vector<Track> out;
    for (const auto& name : tracks(m)) {
        Track t;
        t.name = name;
        t.mixturePath = (fs::path(m.root) / name / m.mixture).string();
        for (const auto& s : m.sources) {
            t.targets.push_back(fs::path(s).stem().string());
            t.targetPaths.push_back((fs::path(m.root) / name / s).string());
        }
        out.push_back(std::move(t));
    }
    return out;
}

std::vector<Track> selectTracks(const std::vector<Track>& all, const std::string& listPath) {
    std::ifstream in(listPath);
    if (!in) throw InputError("cannot read the track list '" + listPath + "'");
    std::set<std::string> wanted;
    std::string line;
    while (std::getline(in, line)) {
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.pop_back();
        const std::size_t start = line.find_first_not_of(" \t");
        if (start == std::string::npos || line[start] == '#') continue;
        wanted.insert(line.substr(start));
    }
    std::vector<Track> out;
    for (const auto& t : all)
        if (wanted.erase(t.name)) out.push_back(t);
    if (!wanted.empty()) throw InputError("the track list '" + listPath + "' names a track the dataset lacks: '" + *wanted.begin() + "'");
    if (out.empty()) throw InputError("the track list '" + listPath + "' names no track");
    return out;
}

std::vector<Track> shardOf(const std::vector<Track>& all, int index, int count) {
    if (count < 1 || index < 0 || index >= count)
        throw InputError("shard " + std::to_string(index) + " of " + std::to_string(count) + " does not exist");
    std::vector<Track> out;
    for (std::size_t k = std::size_t(index); k < all.size(); k += std::size_t(count)) out.push_back(all[k]);
    return out;
}

TrackEvaluation evaluateTrack(const Track& track, const RunSpec& run, const MusevalOptions& options, const RunControl& control) {
    const auto start = std::chrono::steady_clock::now();
    if (run.kind != "separation") throw InputError("a dataset evaluation needs a separation run, not '" + run.kind + "'");
    const bool joint = run.algorithm == "mc-wiener";  // every channel at once; the others channel by channel
    const separation::SeparationMethod* method = joint ? nullptr : separation::findSeparationMethod(run.algorithm);
    if (!method && !joint) throw InputError("unknown separation method '" + run.algorithm + "'");
    if (track.targets.size() < 2)
        throw InputError("track '" + track.name + "' has " + std::to_string(track.targets.size()) +
                         " target(s); BSS Eval v4 needs at least 2");
    if (!(options.window > 0) || !(options.hop > 0)) throw InputError("the evaluation window and hop must be positive");
    const Audio mixture = readAudio(track.mixturePath);
    const Eigen::Index C = mixture.channels(), L = mixture.frames();
    std::vector<Audio> references;
    for (std::size_t j = 0; j < track.targets.size(); ++j) {
        if (track.targetPaths[j].empty() || !fs::exists(track.targetPaths[j]))
            throw InputError("track '" + track.name + "' has no file for target '" + track.targets[j] + "'");
        references.push_back(readAudio(track.targetPaths[j]));
        const Audio& r = references.back();
        if (r.sampleRate != mixture.sampleRate || r.channels() != C || r.frames() != L)
            throw InputError("track '" + track.name + "': target '" + track.targets[j] + "' is " + std::to_string(r.channels()) +
                             " ch, " + std::to_string(r.frames()) + " samples at " + std::to_string(int(r.sampleRate)) +
                             " Hz; the mixture " + std::to_string(C) + " ch, " + std::to_string(L) + " samples at " +
                             std::to_string(int(mixture.sampleRate)) + " Hz");
    }
    const std::size_t J = track.targets.size();
    std::vector<Eigen::ArrayXXf> estimates;  // per target: L x C
    if (joint) {
        std::vector<Eigen::ArrayXXf> images;
        for (const auto& r : references) images.push_back(r.data);
        const separation::MagnitudeSource source = separation::magnitudeSourceFromName(run.magnitudes);
        if (source == separation::MagnitudeSource::Hpss) images.clear();
        estimates = separation::multichannelWienerImages(mixture.data, source, images, run.stft,
                                                         separation::mcWienerParamsFrom(run.parameters), {}, control, options.threads);
    }
    if (!joint) {
        separation::PipelineInput settings;
        settings.magnitudes = separation::magnitudeSourceFromName(run.magnitudes);
        settings.config = run.stft;
        settings.threads = options.threads;
        std::vector<const Audio*> targets;
        for (const auto& r : references) targets.push_back(&r);
        estimates = separation::separateChannels(*method, run.parameters, settings, mixture, targets, {}, false, control).images;
    }
    if (estimates.size() != J)
        throw InputError(run.algorithm + " gives " + std::to_string(estimates.size()) + " estimates for the " + std::to_string(J) +
                         " targets of track '" + track.name + "'");
    std::vector<metrics::Signal> refs, ests;
    for (const auto& r : references) refs.push_back(toSignal(r.data));
    for (const auto& e : estimates) ests.push_back(toSignal(e));
    metrics::BssParams bp;
    bp.permutation = false;
    bp.threads = options.threads;
    bp.referenceNames = track.targets;
    const Eigen::Index window = Eigen::Index(options.window * mixture.sampleRate), hop = Eigen::Index(options.hop * mixture.sampleRate);
    const metrics::FramewiseResult f = metrics::bssEvalV4(refs, ests, window, hop, bp, control);

    std::string out = "{\n  \"museval_version\": \"phaselab " PHASELAB_VERSION "\",\n  \"targets\": [";
    for (std::size_t j = 0; j < J; ++j) {
        out += j ? ",\n    {" : "\n    {";
        out += "\n      \"name\": " + json(track.targets[j]).dump() + ",\n      \"frames\": [";
        for (Eigen::Index k = 0; k < f.sdr.cols(); ++k) {
            out += k ? ",\n        {" : "\n        {";
            out += "\n          \"time\": " + secondsText(double(k) * options.hop) + ",\n          \"duration\": " +
                   secondsText(options.window) + ",\n          \"metrics\": {\"SDR\": " + metricText(f.sdr(j, k)) +
                   ", \"SIR\": " + metricText(f.sir(j, k)) + ", \"SAR\": " + metricText(f.sar(j, k)) +
                   ", \"ISR\": " + metricText(f.isr(j, k)) + "}\n        }";
        }
        out += "\n      ]\n    }";
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const json description{{"track", track.name},
                           {"run", json::parse(runJson(run))},
                           {"channels", C},
                           {"sample_rate", mixture.sampleRate},
                           {"seconds", seconds},
                           {"version", PHASELAB_VERSION}};
    out += "\n  ],\n  \"phaselab\": " + description.dump() + "\n}\n";
    TrackEvaluation result{std::move(out), {}};
    for (auto& e : estimates) result.estimates.push_back(Audio{mixture.sampleRate, std::move(e)});
    return result;
}

TrackScores parseTrackJson(const std::string& text, const std::string& name) {
    TrackScores s;
    s.track = name;
    try {
        const json j = json::parse(strictJson(text));
        for (const auto& target : j.at("targets")) {
            const std::string t = target.at("name").get<std::string>();
            s.targets.push_back(t);
            auto& metrics = s.frames[t];
            for (const auto& frame : target.at("frames"))
                for (const auto& [metric, value] : frame.at("metrics").items())
                    metrics[metric].push_back(value.is_number() ? value.get<double>() : NAN);
        }
    } catch (const json::exception& e) {
        throw InputError("'" + name + "' is not a museval track result (" + std::string(e.what()) + ")");
    }
    return s;
}

std::vector<AggregateRow> aggregate(const std::map<std::string, std::vector<TrackScores>>& methods) {
    std::vector<AggregateRow> rows;
    for (const auto& [method, tracks] : methods) {
        std::vector<std::string> targets;
        for (const auto& t : tracks)
            for (const auto& name : t.targets)
                if (std::find(targets.begin(), targets.end(), name) == targets.end()) targets.push_back(name);
        for (const auto& target : targets)
            for (const char* metric : {"SDR", "SIR", "SAR", "ISR"}) {
                std::vector<double> perTrack;
                for (const auto& t : tracks) {
                    const auto ft = t.frames.find(target);
                    if (ft == t.frames.end()) continue;
                    const auto fm = ft->second.find(metric);
                    if (fm == ft->second.end()) continue;
                    const double m = median(finite(fm->second));
                    if (std::isfinite(m)) perTrack.push_back(m);
                }
                if (perTrack.empty()) continue;
                AggregateRow r{method, target, metric, median(perTrack), 0, int(perTrack.size())};
                for (double v : perTrack) r.mean += v / double(perTrack.size());
                rows.push_back(r);
            }
    }
    return rows;
}

}  // namespace phaselab::experiment
