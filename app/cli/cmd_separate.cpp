// phaselab-cli separate: source separation from a mixture with oracle, estimated (NMF/HPSS) or
// imported magnitudes; writes one WAV per source, optionally evaluates with BSS Eval v3.
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <chrono>
#include <cstdio>
#include <set>

#include "cli_common.h"
#include "separation_options.h"
#include "core/common/error.h"
#include "core/common/memory.h"
#include "core/io/audio.h"
#include "core/metrics/bss_eval.h"
#include "core/nmf/beta_nmf.h"
#include "core/separation/magnitudes.h"
#include "core/separation/pipeline.h"
#include "core/separation/registry.h"

namespace phaselab::cli {
namespace {

using namespace phaselab::separation;

// Source files: each channel (or the mono downmix), as the mixture is separated.
struct Loaded {
    std::vector<Audio> audio;
    QStringList paths;
    // Channel c of file j (a mono file serves every channel), or its downmix when c < 0.
    Eigen::ArrayXf signal(std::size_t j, int c) const { return audio[j].channelOrOnly(c); }
    std::size_t size() const { return audio.size(); }
};

Loaded loadSignals(const QStringList& paths, const Audio& mixture, const char* what, bool perChannel) {
    Loaded l;
    for (const QString& path : paths) {
        Audio a = readInput(toStd(path));
        if (a.sampleRate != mixture.sampleRate)
            throw InputError(std::string(what) + " " + toStd(path) + " has sample rate " + std::to_string(a.sampleRate) +
                             " Hz but the mixture has " + std::to_string(mixture.sampleRate) +
                             " Hz: resample it first");
        if (a.frames() != mixture.frames())
            throw InputError(std::string(what) + " " + toStd(path) + " has " + std::to_string(a.frames()) +
                             " samples but the mixture has " + std::to_string(mixture.frames()) +
                             ": they must have the same length");
        if (perChannel && a.channels() != 1 && a.channels() != mixture.channels())
            throw InputError(std::string(what) + " " + toStd(path) + " has " + std::to_string(a.channels()) +
                             " channels but the mixture has " + std::to_string(mixture.channels()) +
                             ": give it the mixture's channels (or one for all), or separate the downmix with --mono");
        if (!perChannel && a.channels() > 1)
            std::fprintf(stderr, "note: %s %s has %d channels; using the mono downmix\n", what, qPrintable(path), a.channels());
        l.audio.push_back(std::move(a));
        l.paths << path;
    }
    return l;
}

QJsonObject figuresToJson(const ProgressReport& r) {
    QJsonObject f;
    for (const auto& [name, value] : r.figures) f[QString::fromStdString(name)] = value;
    return QJsonObject{{"iteration", r.iteration}, {"figures", f}};
}

QJsonValue dbValue(double v) { return std::isfinite(v) ? QJsonValue(v) : QJsonValue(v > 0 ? "inf" : "-inf"); }

}  // namespace

int runSeparate(const QStringList& rawArgs) {
    const QStringList args = expandMultiValue(rawArgs, {"--reference", "--estimates"});
    QCommandLineParser p;
    p.setApplicationDescription(
        "Separate MIXTURE into sources and write one WAV per source into OUTDIR.\n"
        "Magnitudes: oracle (|STFT| of the --reference files), nmf (supervised NMF: one dictionary learned per\n"
        "--reference file, then fitted on the mixture), hpss (two sources from the mixture by median filtering),\n"
        "files (|STFT| of the --estimates files, e.g. a neural network's stems). Mixture and references must\n"
        "share sample rate and length. List several files after --reference / --estimates, or repeat the option.\n"
        "aw --kappa-mode estimated, cnmf and cisnmf also use the --reference files as isolated sources.\n"
        "A multichannel MIXTURE is separated channel by channel (each method applied to each channel, with that\n"
        "channel's magnitudes) into multichannel images, scored with bss_eval_images; --mono separates its\n"
        "downmix instead. mc-wiener separates all channels jointly, from per-channel magnitudes: oracle (the\n"
        "--reference images), files (--estimates stems), nmf (supervised NMF of each channel, dictionaries from\n"
        "that channel of the --reference files) or hpss (harmonic / percussive of each channel)." +
        QString::fromStdString([] {
            std::string s;
            for (const auto& id : plannedSeparationMethods()) s += (s.empty() ? "" : ", ") + id;
            return s.empty() ? s : "\nMethods not implemented yet (exit code 2): " + s;
        }()));
    p.addPositionalArgument("MIXTURE", "Mixture audio file (multichannel: each channel, or --mono its downmix; mc-wiener: "
                                       "every channel at once, into multichannel images).");
    p.addOption({{"o", "output"}, "Output directory (created if missing).", "OUTDIR"});
    p.addOption({"method", "Separation method: " + (allMethods() + multichannelMethods()).join(", ") + ".", "METHOD", "wiener"});
    p.addOption({"magnitudes", "Source magnitudes: oracle, nmf, hpss, files.", "SOURCE", "oracle"});
    p.addOption({"reference", "True source files (oracle magnitudes, NMF training, --eval, output names).", "FILE"});
    p.addOption({"estimates", "Estimated source files whose magnitudes are used (--magnitudes files).", "FILE"});
    addStftOptions(p);
    std::set<std::string> optionIds;
    addAlgorithmOptions(p, optionIds);
    p.addOption({"threads", "Worker threads for the STFTs and the evaluation.", "N", "1"});
    p.addOption({"mono", "Separate the mono downmix of a multichannel MIXTURE (default: each channel, images out)."});
    p.addOption({"eval", "Evaluate the estimates against --reference (BSS Eval v3 bss_eval_sources as mir_eval; "
                         "multichannel images: bss_eval_images)."});
    addForceOption(p);
    addProgressOption(p);
    p.addOption({"json", "Print a JSON summary instead of text."});
    if (!parse(p, args, 1, 1)) return ExitOk;
    if (!p.isSet("output")) throw UsageError("missing -o OUTDIR");

    const QString methodId = choiceValue(p, "method", allMethods() + multichannelMethods());
    if (multichannelMethods().contains(methodId)) return runMultichannelSeparate(p, optionIds);
    const SeparationMethod* method = findSeparationMethod(toStd(methodId));
    if (!method) throw UsageError("method '" + toStd(methodId) + "' is not implemented yet");
    // The nmf method is the NMF mask: its magnitudes are the NMF models unless stated otherwise.
    const QString magnitudeName = methodId == "nmf" && !p.isSet("magnitudes")
                                      ? QString("nmf")
                                      : choiceValue(p, "magnitudes", {"oracle", "nmf", "hpss", "files"});
    const MagnitudeSource magnitudeSource = magnitudeSourceFromName(toStd(magnitudeName));
    const StftConfig config = stftFromOptions(p);
    const int threads = intValue(p, "threads", 1, 64);

    std::set<std::string> used;
    const ParamValues methodValues = valuesFor(p, *method->description, used);
    nmf::SupervisedNmfParams nmfParams;
    if (method->usesMagnitudes && magnitudeSource == MagnitudeSource::Nmf) nmfParams = nmfParamsFor(p, used);
    for (const auto& id : optionIds)
        if (p.isSet(QString::fromStdString(id)) && !used.count(id))
            throw UsageError("--" + id + " does not apply to method '" + toStd(methodId) + "' with " +
                             toStd(magnitudeName) + " magnitudes");

    const QStringList referencePaths = p.values("reference"), estimatePaths = p.values("estimates");
    if (method->usesMagnitudes) {
        if ((magnitudeSource == MagnitudeSource::Oracle || magnitudeSource == MagnitudeSource::Nmf) &&
            referencePaths.size() < 2)
            throw UsageError(toStd(magnitudeName) + " magnitudes need at least two --reference files (one per source)");
        if (magnitudeSource == MagnitudeSource::Files && estimatePaths.size() < 2)
            throw UsageError("--magnitudes files needs at least two --estimates files (one per source)");
    }
    if (p.isSet("eval") && referencePaths.isEmpty()) throw UsageError("--eval needs the true sources as --reference files");

    // Inputs.
    const std::string mixturePath = toStd(p.positionalArguments().at(0));
    const Audio mixture = readInput(mixturePath);
    const bool perChannel = mixture.channels() > 1 && !p.isSet("mono");
    const int C = perChannel ? mixture.channels() : 1;
    if (mixture.channels() > 1 && !perChannel)
        std::fprintf(stderr, "note: %s has %d channels; separating the mono downmix (--mono)\n", mixturePath.c_str(),
                     mixture.channels());
    const Loaded refs = loadSignals(referencePaths, mixture, "reference", perChannel);
    const Loaded ests = loadSignals(estimatePaths, mixture, "estimate", perChannel);

    // Output names, checked before any computation.
    const bool hpssMagnitudes = method->usesMagnitudes && magnitudeSource == MagnitudeSource::Hpss;
    int J = 0;
    if (!method->usesMagnitudes || hpssMagnitudes)
        J = 2;
    else if (magnitudeSource == MagnitudeSource::Files)
        J = int(ests.size());
    else
        J = int(refs.size());
    if (p.isSet("eval") && int(refs.size()) != J)
        throw UsageError("--eval needs one --reference per estimated source (" + std::to_string(J) + "), got " +
                         std::to_string(refs.size()));
    const QString outDir = p.value("output");
    OutputPolicy policy = outputPolicy(p);
    policy.addInput(mixturePath);
    for (const QString& f : referencePaths + estimatePaths) policy.addInput(toStd(f));
    std::vector<std::string> names;
    for (int j = 0; j < J; ++j)
        names.push_back(j < referencePaths.size() ? toStd(QFileInfo(referencePaths[j]).completeBaseName())
                                                  : "source-" + std::to_string(j + 1));
    if (!QDir().mkpath(outDir)) throw InputError("cannot create the output directory " + toStd(outDir));
    QStringList outputs;
    for (const auto& name : uniqueFileNames(names)) {
        const std::string path = policy.inside(toStd(outDir), name + ".wav");
        policy.check(path, "an estimated source");
        outputs << QString::fromStdString(path);
    }

    // Separation.
    // Each channel on its own (the method's per-channel application, magnitudes per channel), or the
    // mono downmix.
    const auto start = std::chrono::steady_clock::now();
    PipelineInput settings;
    settings.magnitudes = magnitudeSource;
    settings.config = config;
    settings.nmf = nmfParams;
    settings.threads = threads;
    std::vector<const Audio*> refPointers, stemPointers;
    for (const Audio& a : refs.audio) refPointers.push_back(&a);
    for (const Audio& a : ests.audio) stemPointers.push_back(&a);
    ChannelsSeparation separated =
        separateChannels(*method, methodValues, settings, mixture, refPointers, stemPointers, !perChannel, progressControl(p));
    const SeparationResult& result = separated.firstChannel;
    std::vector<Audio> estimates;
    for (auto& image : separated.images) estimates.push_back(Audio{mixture.sampleRate, std::move(image)});
    if (int(estimates.size()) != J)
        throw InputError(toStd(methodId) + " gave " + std::to_string(estimates.size()) + " sources, expected " + std::to_string(J));
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    for (int j = 0; j < J; ++j) writeAudio(toStd(outputs[j]), estimates[std::size_t(j)]);

    // Complex NMF models learn their own magnitudes from the isolated sources (the V_j only fix J).
    const QString magnitudesLabel = !method->usesMagnitudes                        ? QString("mixture")
                                    : (methodId == "cnmf" || methodId == "cisnmf") ? QString("isolated-sources")
                                                                                   : magnitudeName;
    QJsonObject metricsJson;
    metrics::BssResult bss;
    if (p.isSet("eval")) {
        std::vector<metrics::Signal> r, e;
        metrics::BssParams bp;
        bp.threads = std::max(1, threads);
        for (int j = 0; j < J; ++j) {
            metrics::Signal ref(mixture.frames(), C);
            for (int c = 0; c < C; ++c) ref.col(c) = refs.signal(std::size_t(j), perChannel ? c : -1).cast<double>();
            r.push_back(ref);
            e.push_back(estimates[std::size_t(j)].data.cast<double>());
            bp.referenceNames.push_back(toStd(referencePaths[j]));
            bp.estimateNames.push_back(toStd(outputs[j]));
        }
        bss = perChannel ? metrics::bssEvalImages(r, e, bp) : metrics::bssEvalSources(r, e, bp);
        // The shape of `phaselab-cli eval --json` (mode "sources", or "images" for multichannel images).
        QJsonArray perm, sources;
        for (int j = 0; j < J; ++j) {
            perm << bss.permutation[j];
            const int e = bss.permutation[j];
            QJsonObject source{{"reference", referencePaths[j]}, {"estimate", outputs[e]}, {"sdr", dbValue(bss.sdr[j])},
                               {"sir", dbValue(bss.sir[j])}, {"sar", dbValue(bss.sar[j])}};
            if (perChannel) source["isr"] = dbValue(bss.isr[j]);
            sources << source;
        }
        metricsJson = QJsonObject{{"mode", perChannel ? "images" : "sources"},
                                  {"function", perChannel ? "bss_eval_images" : "bss_eval_sources"},
                                  {"version", "v3"},
                                  {"permutation", perm},
                                  {"filter_length", 512},
                                  {"sources", sources}};
    }

    if (p.isSet("json")) {
        QJsonArray outs, trace;
        for (const QString& o : outputs) outs << o;
        for (const auto& r : result.trace) trace << figuresToJson(r);
        QJsonObject o{{"method", methodId},
                      {"magnitudes", magnitudesLabel},
                      {"seconds", seconds},
                      {"stft", stftToJson(config)},
                      {"channels", C},
                      {"channel_handling", perChannel ? "per channel" : mixture.channels() > 1 ? "mono downmix" : "mono"},
                      {"outputs", outs},
                      {"trace", trace}};
        o["metrics"] = p.isSet("eval") ? QJsonValue(metricsJson) : QJsonValue(QJsonValue::Null);
        printJson(o);
        return ExitOk;
    }
    std::printf("method %s, %s magnitudes, %s, %s, %.2f s\n", qPrintable(methodId), qPrintable(magnitudesLabel),
                config.describe().c_str(),
                perChannel ? qPrintable(QString("%1 channels, each separated").arg(C))
                           : mixture.channels() > 1 ? "mono downmix" : "mono",
                seconds);
    for (int j = 0; j < J; ++j) {
        std::printf("  %s", qPrintable(outputs[j]));
        if (p.isSet("eval") && perChannel)
            std::printf("   SDR %6.2f  ISR %6.2f  SIR %6.2f  SAR %6.2f dB (images)", bss.sdr[j], bss.isr[j], bss.sir[j], bss.sar[j]);
        else if (p.isSet("eval"))
            std::printf("   SDR %6.2f  SIR %6.2f  SAR %6.2f dB", bss.sdr[j], bss.sir[j], bss.sar[j]);
        std::printf("\n");
    }
    if (!result.trace.empty() && !result.trace.back().figures.empty())
        std::printf("  last iteration %d: %s = %g\n", result.trace.back().iteration,
                    result.trace.back().figures.front().first.c_str(), result.trace.back().figures.front().second);
    return ExitOk;
}

}  // namespace phaselab::cli
