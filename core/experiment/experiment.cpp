#include "core/experiment/experiment.h"

#include <algorithm>
#include <chrono>
#include <tuple>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/common/error.h"
#include "core/io/audio.h"
#include "core/io/output_policy.h"
#include "core/metrics/bss_eval.h"
#include "core/metrics/si_sdr.h"
#include "core/recovery/registry.h"
#include "core/recovery/run_recovery.h"
#include "core/separation/multichannel_wiener.h"
#include "core/separation/pipeline.h"

namespace phaselab::experiment {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

constexpr const char* kFormat = "phaselab-experiment";

// A whole number in [minimum, maximum]: an out-of-range or fractional value is an error, never
// a wrapped or undefined conversion.
int integerField(const json& object, const char* key, int fallback, int minimum, int maximum, const std::string& what) {
    if (!object.contains(key)) return fallback;
    const json& v = object[key];
    const double x = v.is_number() ? v.get<double>() : NAN;
    if (!(x >= minimum && x <= maximum) || x != std::floor(x))
        throw InputError("experiment: \"" + std::string(key) + "\" of " + what + " must be a whole number from " +
                         std::to_string(minimum) + " to " + std::to_string(maximum) + ", got " + v.dump());
    return int(x);
}

std::string stringField(const json& object, const char* key, const std::string& fallback, const std::string& what) {
    if (!object.contains(key)) return fallback;
    if (!object[key].is_string()) throw InputError("experiment: \"" + std::string(key) + "\" of " + what + " must be a string");
    return object[key].get<std::string>();
}


json toJson(const InputFile& f) { return {{"name", f.name}, {"path", f.path}, {"checksum", f.checksum}}; }

InputFile inputFrom(const json& j, const std::string& what) {
    if (!j.is_object() || !j.contains("path") || !j["path"].is_string())
        throw InputError("experiment: " + what + " needs a \"path\"");
    InputFile f;
    f.path = j["path"].get<std::string>();
    if (f.path.empty()) throw InputError("experiment: " + what + " has an empty \"path\"");
    f.name = stringField(j, "name", fs::path(f.path).stem().string(), what);
    f.checksum = stringField(j, "checksum", "", what);
    return f;
}

json toJson(const RunSpec& r) {
    json params = json::object();
    for (const auto& [id, v] : r.parameters) {
        if (const auto* d = std::get_if<double>(&v)) params[id] = *d;
        else params[id] = std::get<std::string>(v);
    }
    json j{{"kind", r.kind},
           {"algorithm", r.algorithm},
           {"parameters", params},
           {"stft", {{"window", r.stft.windowLength}, {"hop", r.stft.hop}, {"fft", r.stft.fft()}, {"window_type", windowName(r.stft.window)}}},
           {"metrics", r.metrics}};
    if (r.kind == "separation") j["magnitudes"] = r.magnitudes;
    j["channels"] = r.channels;
    return j;
}

RunSpec runFrom(const json& j, std::size_t index) {
    const std::string what = "run " + std::to_string(index + 1);
    if (!j.is_object()) throw InputError("experiment: " + what + " is not an object");
    RunSpec r;
    r.kind = stringField(j, "kind", "separation", what);
    if (r.kind != "separation" && r.kind != "recovery")
        throw InputError("experiment: " + what + " has kind '" + r.kind + "' (separation or recovery)");
    if (!j.contains("algorithm") || !j["algorithm"].is_string()) throw InputError("experiment: " + what + " names no algorithm");
    r.algorithm = j["algorithm"].get<std::string>();
    const json parameters = j.value("parameters", json::object());
    if (!parameters.is_object()) throw InputError("experiment: the parameters of " + what + " must be an object");
    for (const auto& [id, v] : parameters.items()) {
        if (v.is_number()) r.parameters[id] = v.get<double>();
        else if (v.is_string()) r.parameters[id] = v.get<std::string>();
        else if (v.is_boolean()) r.parameters[id] = v.get<bool>() ? 1.0 : 0.0;
        else throw InputError("experiment: parameter '" + id + "' of " + what + " must be a number or a string");
    }
    r.magnitudes = stringField(j, "magnitudes", "oracle", what);
    r.channels = stringField(j, "channels", "mono-downmix", what);
    if (r.channels != "per-channel" && r.channels != "mono-downmix" && r.channels != "joint")
        throw InputError("experiment: " + what + " has channels '" + r.channels + "' (per-channel, mono-downmix or joint)");
    if ((r.channels == "joint") != (r.algorithm == "mc-wiener") && r.channels != "mono-downmix")
        throw InputError("experiment: " + what + " has channels '" + r.channels + "': mc-wiener separates the channels jointly "
                         "(\"joint\"), every other method per channel (\"per-channel\")");
    const json s = j.value("stft", json::object());
    if (!s.is_object()) throw InputError("experiment: the stft of " + what + " must be an object");
    r.stft.windowLength = integerField(s, "window", 2048, 4, 1 << 20, what);
    r.stft.hop = integerField(s, "hop", 512, 1, 1 << 20, what);
    r.stft.fftSize = integerField(s, "fft", 0, 0, 1 << 21, what);
    r.stft.window = windowFromName(stringField(s, "window_type", "hann", what));
    r.stft.validate();
    const json stored = j.value("metrics", json::object());
    if (!stored.is_object()) throw InputError("experiment: the metrics of " + what + " must be an object");
    for (const auto& [name, values] : stored.items()) {
        if (!values.is_array()) throw InputError("experiment: metric '" + name + "' of " + what + " must be a list");
        for (const auto& x : values) r.metrics[name].push_back(x.is_number() ? x.get<double>() : NAN);
    }
    return r;
}

// A file inside each track folder: a relative path that cannot leave it.
std::string trackFileName(const std::string& name) {
    const fs::path p(name);
    bool escapes = name.empty() || p.is_absolute();
    for (const auto& part : p) escapes = escapes || part == "..";
    if (escapes)
        throw InputError("track file '" + name + "' must be a path inside each track folder (no '..', not absolute)");
    return name;
}

std::string readTextFile(const std::string& path, const std::string& what) {
    std::error_code ec;
    if (fs::is_directory(path, ec)) throw InputError("'" + path + "' is a folder, not " + what);
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError("cannot open " + what + " '" + path + "'");
    constexpr std::size_t kMaxBytes = 64u << 20;
    std::string text;
    char buffer[1 << 16];
    while (in.read(buffer, sizeof(buffer)) || in.gcount() > 0) {
        text.append(buffer, std::size_t(in.gcount()));
        if (text.size() > kMaxBytes) throw InputError("'" + path + "' is too large for " + what + " (over 64 MB)");
    }
    return text;
}

std::string resolve(const std::string& baseDir, const std::string& path) {
    const fs::path p(path);
    return p.is_absolute() ? path : (fs::path(baseDir) / p).string();
}

Audio loadChecked(const InputFile& f, const std::string& baseDir) {
    const std::string path = resolve(baseDir, f.path);
    if (!f.checksum.empty() && checksum(path) != f.checksum)
        throw InputError("'" + path + "' has changed since the experiment was saved (its checksum differs): the results "
                                      "would not be comparable");
    return readAudio(path);
}

}  // namespace

std::string runJson(const RunSpec& run) { return toJson(run).dump(); }

std::string resolvePath(const std::string& baseDir, const std::string& path) { return resolve(baseDir, path); }

std::string checksum(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError("cannot read '" + path + "' to checksum it");
    std::uint64_t h = 1469598103934665603ull;
    char buffer[1 << 16];
    while (in) {
        in.read(buffer, sizeof(buffer));
        for (std::streamsize i = 0; i < in.gcount(); ++i) {
            h ^= std::uint8_t(buffer[i]);
            h *= 1099511628211ull;
        }
    }
    char text[40];
    std::snprintf(text, sizeof(text), "fnv1a64:%016llx", static_cast<unsigned long long>(h));
    return text;
}

Experiment parse(const std::string& text, const std::string& source) {
    json j;
    try {
        j = json::parse(text);
    } catch (const json::parse_error& e) {
        throw InputError("'" + source + "' is not a valid experiment file (corrupted or truncated: JSON error at byte " +
                         std::to_string(e.byte) + ")");
    } catch (const json::exception& e) {  // e.g. a number beyond double's range
        throw InputError("'" + source + "' is not a valid experiment file (" + std::string(e.what()) + ")");
    }
    if (!j.is_object() || !j.contains("format") || j["format"] != kFormat)
        throw InputError("'" + source + "' is not a PhaseLab experiment file (no \"format\": \"" + kFormat + "\")");
    Experiment e;
    try {
        e.version = integerField(j, "version", 0, 0, 1000000, "the file");
        if (e.version != 1)
            throw InputError("it has experiment format version " + std::to_string(e.version) + "; this PhaseLab reads version 1");
        e.libraryVersion = stringField(j, "library_version", "", "the file");
        if (!j.contains("mixture")) throw InputError("experiment: no \"mixture\"");
        e.mixture = inputFrom(j["mixture"], "the mixture");
        const json references = j.value("references", json::array());
        if (!references.is_array()) throw InputError("experiment: \"references\" must be a list");
        for (const auto& r : references) e.references.push_back(inputFrom(r, "a reference"));
        const json runs = j.value("runs", json::array());
        if (!runs.is_array()) throw InputError("experiment: \"runs\" must be a list");
        for (std::size_t i = 0; i < runs.size(); ++i) e.runs.push_back(runFrom(runs[i], i));
        if (j.contains("listening")) {
            if (!j["listening"].is_array()) throw InputError("experiment: \"listening\" must be a list");
            e.listeningJson = j["listening"].dump();
        }
        if (j.contains("view")) {
            if (!j["view"].is_object()) throw InputError("experiment: \"view\" must be an object");
            e.viewJson = j["view"].dump();
        }
    } catch (const json::exception& ex) {
        throw InputError("'" + source + "': malformed experiment (" + std::string(ex.what()) + ")");
    } catch (const InputError& ex) {
        throw InputError("'" + source + "': " + ex.what());
    }
    return e;
}

Experiment read(const std::string& path) { return parse(readTextFile(path, "the experiment file"), path); }

void write(const Experiment& e, const std::string& path, bool overwrite) {
    std::error_code ec;
    if (!overwrite && fs::exists(path, ec)) throw InputError("'" + path + "' exists already (choose another name, or allow overwriting)");
    json j{{"format", kFormat}, {"version", 1}, {"library_version", e.libraryVersion.empty() ? PHASELAB_VERSION : e.libraryVersion},
           {"mixture", toJson(e.mixture)}};
    j["references"] = json::array();
    for (const auto& r : e.references) j["references"].push_back(toJson(r));
    j["runs"] = json::array();
    for (const auto& r : e.runs) j["runs"].push_back(toJson(r));
    try {
        if (!e.listeningJson.empty()) j["listening"] = json::parse(e.listeningJson);
        if (!e.viewJson.empty()) j["view"] = json::parse(e.viewJson);
    } catch (const json::exception& ex) {
        throw InputError("cannot write '" + path + "': invalid listening or view record (" + ex.what() + ")");
    }
    writeFileAtomically(path, j.dump(2) + "\n");
}

RunOutput execute(const Experiment& e, const RunSpec& run, const std::string& baseDir, const RunControl& control, int threads) {
    if (threads < 1) throw InputError("the number of threads must be at least 1");
    const auto start = std::chrono::steady_clock::now();
    RunOutput out;
    const Audio mixture = loadChecked(e.mixture, baseDir);
    out.sampleRate = mixture.sampleRate;
    const int C = run.channels == "per-channel" || run.channels == "joint" ? mixture.channels() : 1;
    std::vector<Audio> refs;
    for (const auto& r : e.references) {
        refs.push_back(loadChecked(r, baseDir));
        const Audio& a = refs.back();
        if (a.sampleRate != mixture.sampleRate || a.frames() != mixture.frames())
            throw InputError("reference '" + r.name + "' does not match the mixture's sample rate and length");
        if (C > 1 && a.channels() != 1 && a.channels() != C)
            throw InputError("reference '" + r.name + "' has " + std::to_string(a.channels()) + " channels, the mixture " +
                             std::to_string(C));
    }
    if (run.kind == "recovery") {
        const AlgorithmDescription* d = recovery::findRecoveryAlgorithm(run.algorithm);
        if (!d) throw InputError("unknown phase-recovery algorithm '" + run.algorithm + "'");
        const Eigen::ArrayXXf input = mixture.withChannels(C);  // its channels, or the downmix
        recovery::ChannelsRecovery r = recovery::runRecoveryPerChannel(*d, run.parameters, input, run.stft, out.sampleRate, control);
        out.metrics["spectral_convergence_db"] = {r.figures.spectralConvergenceDb};
        out.metrics["snr_db"] = {metrics::snrDb(input.cast<double>(), r.signal.cast<double>())};
        out.names = {e.mixture.name + "-" + run.algorithm};
        out.waveforms.push_back(std::move(r.signal));
    } else if (run.algorithm == "mc-wiener") {
        const separation::MagnitudeSource source = separation::magnitudeSourceFromName(run.magnitudes);
        std::vector<Eigen::ArrayXXf> sources;  // the references: oracle magnitudes or NMF training
        if (source != separation::MagnitudeSource::Hpss)
            for (const Audio& a : refs) sources.push_back(a.withChannels(C));
        out.waveforms = separation::multichannelWienerImages(mixture.withChannels(C), source, sources, run.stft,
                                                             separation::mcWienerParamsFrom(run.parameters), {}, control, threads);
    } else {
        const separation::SeparationMethod* method = separation::findSeparationMethod(run.algorithm);
        if (!method) throw InputError("unknown separation method '" + run.algorithm + "'");
        separation::PipelineInput settings;
        settings.magnitudes = separation::magnitudeSourceFromName(run.magnitudes);
        settings.config = run.stft;
        settings.threads = threads;
        std::vector<const Audio*> refPointers;
        for (const Audio& a : refs) refPointers.push_back(&a);
        out.waveforms = separation::separateChannels(*method, run.parameters, settings, mixture, refPointers, {}, C == 1, control).images;
    }
    if (run.kind != "recovery") {
        const std::size_t J = out.waveforms.size();
        for (std::size_t j = 0; j < J; ++j)
            out.names.push_back(j < e.references.size() && J == e.references.size() ? e.references[j].name : "source-" + std::to_string(j + 1));
        if (!refs.empty() && refs.size() == J) {
            std::vector<metrics::Signal> rs, es;
            for (const Audio& a : refs) rs.push_back(a.withChannels(C).cast<double>());
            for (const auto& a : out.waveforms) es.push_back(a.cast<double>());
            metrics::BssParams bp;
            bp.permutation = false;
            bp.threads = threads;
            const metrics::BssResult m = C == 1 ? metrics::bssEvalSources(rs, es, bp, control) : metrics::bssEvalImages(rs, es, bp, control);
            auto list = [](const Eigen::ArrayXd& v) { return std::vector<double>(v.data(), v.data() + v.size()); };
            out.metrics["sdr"] = list(m.sdr);
            out.metrics["sir"] = list(m.sir);
            out.metrics["sar"] = list(m.sar);
            if (C > 1) out.metrics["isr"] = list(m.isr);
        }
    }
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return out;
}

Manifest parseManifest(const std::string& text, const std::string& source) {
    json j;
    try {
        j = json::parse(text);
    } catch (const json::parse_error& e) {
        throw InputError("'" + source + "' is not a valid batch manifest (JSON error at byte " + std::to_string(e.byte) + ")");
    } catch (const json::exception& e) {
        throw InputError("'" + source + "' is not a valid batch manifest (" + std::string(e.what()) + ")");
    }
    if (!j.is_object() || !j.contains("format") || j["format"] != "phaselab-batch")
        throw InputError("'" + source + "' is not a PhaseLab batch manifest (no \"format\": \"phaselab-batch\")");
    Manifest m;
    try {
        m.root = resolve(fs::path(source).parent_path().string(), stringField(j, "root", ".", "the manifest"));
        m.mixture = trackFileName(stringField(j, "mixture", m.mixture, "the manifest"));
        const json sources = j.value("sources", json::array());
        if (!sources.is_array()) throw InputError("\"sources\" must be a list of file names");
        for (const auto& s : sources) {
            if (!s.is_string()) throw InputError("\"sources\" must be a list of file names");
            m.sources.push_back(trackFileName(s.get<std::string>()));
        }
        const json runs = j.value("runs", json::array());
        if (!runs.is_array()) throw InputError("\"runs\" must be a list");
        for (std::size_t i = 0; i < runs.size(); ++i) m.runs.push_back(runFrom(runs[i], i));
    } catch (const json::exception& ex) {
        throw InputError("'" + source + "': malformed batch manifest (" + std::string(ex.what()) + ")");
    } catch (const InputError& ex) {
        throw InputError("'" + source + "': " + ex.what());
    }
    if (m.runs.empty()) throw InputError("'" + source + "' lists no runs");
    return m;
}

Manifest readManifest(const std::string& path) { return parseManifest(readTextFile(path, "the batch manifest"), path); }

std::vector<std::string> tracks(const Manifest& m) {
    std::vector<std::string> names;
    std::error_code ec;
    if (!fs::is_directory(m.root, ec)) throw InputError("the batch root '" + m.root + "' is not a folder");
    for (const auto& entry : fs::directory_iterator(m.root, ec))
        if (entry.is_directory() && fs::exists(entry.path() / m.mixture)) names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

double maxDifference(const RunSpec& run, const RunOutput& output) {
    double worst = -1;
    for (const auto& [name, stored] : run.metrics) {
        const auto it = output.metrics.find(name);
        if (it == output.metrics.end()) continue;
        for (std::size_t i = 0; i < std::min(stored.size(), it->second.size()); ++i)
            if (std::isfinite(stored[i]) && std::isfinite(it->second[i])) worst = std::max(worst, std::abs(stored[i] - it->second[i]));
    }
    return worst;
}

}  // namespace phaselab::experiment
