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
#include "core/io/audio.h"
#include "core/metrics/bss_eval.h"
#include "core/nmf/beta_nmf.h"
#include "core/separation/magnitudes.h"
#include "core/separation/pipeline.h"
#include "core/separation/registry.h"

namespace phaselab::cli {
namespace {

using namespace phaselab::separation;

struct Loaded {
    std::vector<Eigen::ArrayXf> waveforms;
    QStringList paths;
};

Loaded loadSignals(const QStringList& paths, const Audio& mixture, const char* what) {
    Loaded l;
    for (const QString& path : paths) {
        const Audio a = readInput(toStd(path));
        if (a.sampleRate != mixture.sampleRate)
            throw InputError(std::string(what) + " " + toStd(path) + " has sample rate " + std::to_string(a.sampleRate) +
                             " Hz but the mixture has " + std::to_string(mixture.sampleRate) +
                             " Hz: resample it first");
        if (a.frames() != mixture.frames())
            throw InputError(std::string(what) + " " + toStd(path) + " has " + std::to_string(a.frames()) +
                             " samples but the mixture has " + std::to_string(mixture.frames()) +
                             ": they must have the same length");
        if (a.channels() > 1)
            std::fprintf(stderr, "note: %s %s has %d channels; using the mono downmix\n", what, qPrintable(path),
                         a.channels());
        l.waveforms.push_back(a.mono());
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
        "aw --kappa-mode estimated, cnmf and cisnmf also use the --reference files as isolated sources." +
        QString::fromStdString([] {
            std::string s;
            for (const auto& id : plannedSeparationMethods()) s += (s.empty() ? "" : ", ") + id;
            return s.empty() ? s : "\nMethods not implemented yet (exit code 2): " + s;
        }()));
    p.addPositionalArgument("MIXTURE", "Mixture audio file (multichannel files are downmixed, except by mc-wiener, which "
                                       "separates every channel into stereo/multichannel images).");
    p.addOption({{"o", "output"}, "Output directory (created if missing).", "OUTDIR"});
    p.addOption({"method", "Separation method: " + (allMethods() + multichannelMethods()).join(", ") + ".", "METHOD", "wiener"});
    p.addOption({"magnitudes", "Source magnitudes: oracle, nmf, hpss, files.", "SOURCE", "oracle"});
    p.addOption({"reference", "True source files (oracle magnitudes, NMF training, --eval, output names).", "FILE"});
    p.addOption({"estimates", "Estimated source files whose magnitudes are used (--magnitudes files).", "FILE"});
    addStftOptions(p);
    std::set<std::string> optionIds;
    addAlgorithmOptions(p, optionIds);
    p.addOption({"threads", "Worker threads for the STFTs and the evaluation.", "N", "1"});
    p.addOption({"eval", "Evaluate the estimates against --reference (BSS Eval v3 bss_eval_sources, as mir_eval)."});
    addForceOption(p);
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
    if (method->usesMagnitudes && magnitudeSource == MagnitudeSource::Nmf) {
        const auto& d = nmf::betaNmfDescription();
        const ParamValues v = valuesFor(p, d, used);
        nmfParams.components = int(numberParam(d, v, "components"));
        nmfParams.learnIterations = nmfParams.iterations = int(numberParam(d, v, "nmf-iterations"));
        nmfParams.beta = numberParam(d, v, "beta");
        nmfParams.seed = unsigned(numberParam(d, v, "seed"));
        nmfParams.trackObjective = false;  // no curve is shown: the objective would cost a W H product per iteration
    }
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
    if (mixture.channels() > 1)
        std::fprintf(stderr, "note: %s has %d channels; separating the mono downmix\n", mixturePath.c_str(),
                     mixture.channels());
    const Loaded refs = loadSignals(referencePaths, mixture, "reference");
    const Loaded ests = loadSignals(estimatePaths, mixture, "estimate");

    // Output names, checked before any computation.
    const bool hpssMagnitudes = method->usesMagnitudes && magnitudeSource == MagnitudeSource::Hpss;
    int J = 0;
    if (!method->usesMagnitudes || hpssMagnitudes)
        J = 2;
    else if (magnitudeSource == MagnitudeSource::Files)
        J = int(ests.waveforms.size());
    else
        J = int(refs.waveforms.size());
    if (p.isSet("eval") && int(refs.waveforms.size()) != J)
        throw UsageError("--eval needs one --reference per estimated source (" + std::to_string(J) + "), got " +
                         std::to_string(refs.waveforms.size()));
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
    const auto start = std::chrono::steady_clock::now();
    PipelineInput pipeline;
    pipeline.mixture = mixture.mono();
    pipeline.references = refs.waveforms;
    pipeline.stems = ests.waveforms;
    pipeline.magnitudes = magnitudeSource;
    pipeline.config = config;
    pipeline.nmf = nmfParams;
    pipeline.threads = threads;
    SeparationResult result = separate(*method, methodValues, pipeline);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    for (int j = 0; j < J; ++j) writeAudio(toStd(outputs[j]), Audio::fromMono(result.waveforms[j], mixture.sampleRate));

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
            r.push_back(refs.waveforms[j].cast<double>());
            e.push_back(result.waveforms[j].cast<double>());
            bp.referenceNames.push_back(toStd(referencePaths[j]));
            bp.estimateNames.push_back(toStd(outputs[j]));
        }
        bss = metrics::bssEvalSources(r, e, bp);
        // The shape of `phaselab-cli eval --json` (mode "sources"): one object per reference.
        QJsonArray perm, sources;
        for (int j = 0; j < J; ++j) {
            perm << bss.permutation[j];
            const int e = bss.permutation[j];
            sources << QJsonObject{{"reference", referencePaths[j]}, {"estimate", outputs[e]}, {"sdr", dbValue(bss.sdr[j])},
                                   {"sir", dbValue(bss.sir[j])}, {"sar", dbValue(bss.sar[j])}};
        }
        metricsJson = QJsonObject{{"mode", "sources"}, {"function", "bss_eval_sources"}, {"version", "v3"},
                                  {"permutation", perm}, {"filter_length", 512}, {"sources", sources}};
    }

    if (p.isSet("json")) {
        QJsonArray outs, trace;
        for (const QString& o : outputs) outs << o;
        for (const auto& r : result.trace) trace << figuresToJson(r);
        QJsonObject o{{"method", methodId},
                      {"magnitudes", magnitudesLabel},
                      {"seconds", seconds},
                      {"stft", stftToJson(config)},
                      {"outputs", outs},
                      {"trace", trace}};
        o["metrics"] = p.isSet("eval") ? QJsonValue(metricsJson) : QJsonValue(QJsonValue::Null);
        printJson(o);
        return ExitOk;
    }
    std::printf("method %s, %s magnitudes, %s, %.2f s\n", qPrintable(methodId), qPrintable(magnitudesLabel),
                config.describe().c_str(), seconds);
    for (int j = 0; j < J; ++j) {
        std::printf("  %s", qPrintable(outputs[j]));
        if (p.isSet("eval"))
            std::printf("   SDR %6.2f  SIR %6.2f  SAR %6.2f dB", bss.sdr[j], bss.sir[j], bss.sar[j]);
        std::printf("\n");
    }
    if (!result.trace.empty() && !result.trace.back().figures.empty())
        std::printf("  last iteration %d: %s = %g\n", result.trace.back().iteration,
                    result.trace.back().figures.front().first.c_str(), result.trace.back().figures.front().second);
    return ExitOk;
}

}  // namespace phaselab::cli
