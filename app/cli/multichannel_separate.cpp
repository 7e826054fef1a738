// phaselab-cli separate --method mc-wiener: the multichannel path of `separate` (issue 14). The mixture
// keeps its channels; each source's magnitude is its |STFT| per channel (oracle: --reference images;
// files: --estimates stems); the output is one multichannel image per source; --eval scores them with
// bss_eval_images (as mir_eval).
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <chrono>
#include <cstdio>

#include "cli_common.h"
#include "core/common/error.h"
#include "core/metrics/bss_eval.h"
#include "core/separation/multichannel_wiener.h"
#include "separation_options.h"

namespace phaselab::cli {

namespace {

std::vector<Audio> readImages(const QStringList& paths, const Audio& mixture, const char* what) {
    std::vector<Audio> out;
    for (const QString& path : paths) {
        Audio a = readInput(toStd(path));
        if (a.sampleRate != mixture.sampleRate)
            throw InputError(std::string(what) + " " + toStd(path) + " has sample rate " + std::to_string(a.sampleRate) +
                             " Hz but the mixture has " + std::to_string(mixture.sampleRate) + " Hz: resample it first");
        if (a.frames() != mixture.frames())
            throw InputError(std::string(what) + " " + toStd(path) + " has " + std::to_string(a.frames()) +
                             " samples but the mixture has " + std::to_string(mixture.frames()) +
                             ": they must have the same length");
        if (a.channels() != mixture.channels() && a.channels() != 1)
            throw InputError(std::string(what) + " " + toStd(path) + " has " + std::to_string(a.channels()) +
                             " channels but the mixture has " + std::to_string(mixture.channels()) +
                             ": give images with the mixture's channels (or mono magnitudes for every channel)");
        out.push_back(std::move(a));
    }
    return out;
}

}  // namespace

QStringList multichannelMethods() { return {"mc-wiener"}; }

int runMultichannelSeparate(const QCommandLineParser& p, const std::set<std::string>& optionIds) {
    using namespace phaselab::separation;
    std::set<std::string> used;
    const ParamValues values = valuesFor(p, mcWienerDescription(), used);
    const McWienerParams params = mcWienerParamsFrom(values);
    const QString magnitudes = p.isSet("magnitudes") ? choiceValue(p, "magnitudes", {"oracle", "nmf", "hpss", "files"}) : "oracle";
    const MagnitudeSource source = magnitudeSourceFromName(toStd(magnitudes));
    const nmf::SupervisedNmfParams nmfParams = source == MagnitudeSource::Nmf ? nmfParamsFor(p, used) : nmf::SupervisedNmfParams{};
    for (const auto& id : optionIds)
        if (p.isSet(QString::fromStdString(id)) && !used.count(id) && id != "threads")
            throw UsageError("--" + id + " does not apply to method 'mc-wiener' with " + toStd(magnitudes) + " magnitudes");
    const QStringList referencePaths = p.values("reference"), estimatePaths = p.values("estimates");
    // The signals the magnitudes come from: the references (oracle, NMF training), the stems, or none (HPSS).
    const QStringList sourcePaths = source == MagnitudeSource::Files ? estimatePaths : source == MagnitudeSource::Hpss ? QStringList{} : referencePaths;
    if (source != MagnitudeSource::Hpss && sourcePaths.size() < 2)
        throw UsageError(source == MagnitudeSource::Files ? "--magnitudes files needs at least two --estimates files (one per source)"
                                                          : toStd(magnitudes) + " magnitudes need at least two --reference files (one per source)");
    const int J = source == MagnitudeSource::Hpss ? 2 : int(sourcePaths.size());
    if (p.isSet("eval") && referencePaths.size() != J)
        throw UsageError("--eval needs one --reference per estimated source (" + std::to_string(J) + ")");
    const StftConfig config = stftFromOptions(p);

    const std::string mixturePath = toStd(p.positionalArguments().at(0));
    const Audio mixture = readInput(mixturePath);
    const int C = mixture.channels();
    if (C > separation::kMcWienerMaxChannels)
        throw InputError(mixturePath + " has " + std::to_string(C) + " channels: mc-wiener handles 1 to " +
                         std::to_string(separation::kMcWienerMaxChannels));
    const std::vector<Audio> refs = readImages(referencePaths, mixture, "reference");
    const std::vector<Audio> ests = readImages(estimatePaths, mixture, "estimate");
    const std::vector<Audio>& sources = source == MagnitudeSource::Files ? ests : refs;

    const QString outDir = p.value("output");
    OutputPolicy policy = outputPolicy(p);
    policy.addInput(mixturePath);
    for (const QString& f : referencePaths + estimatePaths) policy.addInput(toStd(f));
    std::vector<std::string> names;
    for (const QString& s : sourcePaths) names.push_back(toStd(QFileInfo(s).completeBaseName()));
    if (source == MagnitudeSource::Hpss) names = {"harmonic", "percussive"};
    if (!QDir().mkpath(outDir)) throw InputError("cannot create the output directory " + toStd(outDir));
    QStringList outputs;
    for (const auto& name : uniqueFileNames(names)) {
        const std::string path = policy.inside(toStd(outDir), name + ".wav");
        policy.check(path, "an estimated source image");
        outputs << QString::fromStdString(path);
    }

    const auto start = std::chrono::steady_clock::now();
    std::vector<Eigen::ArrayXXf> magnitudeSignals;
    if (source != MagnitudeSource::Hpss)
        for (const Audio& a : sources) magnitudeSignals.push_back(a.data);
    const auto images = multichannelWienerImages(mixture.data, source, magnitudeSignals, config, params, nmfParams, progressControl(p),
                                                 intValue(p, "threads", 1, 64));
    std::vector<metrics::Signal> estimates;
    for (int j = 0; j < J; ++j) {
        writeAudio(toStd(outputs[j]), Audio{mixture.sampleRate, images[std::size_t(j)]});
        estimates.push_back(images[std::size_t(j)].cast<double>());
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    QJsonValue metricsJson = QJsonValue::Null;
    metrics::BssResult bss;
    if (p.isSet("eval")) {
        std::vector<metrics::Signal> r;
        metrics::BssParams bp;
        bp.threads = intValue(p, "threads", 1, 64);
        for (int j = 0; j < J; ++j) {
            metrics::Signal ref = refs[std::size_t(j)].data.cast<double>();
            if (ref.cols() != C) ref = ref.col(0).replicate(1, C).eval();
            r.push_back(ref);
            bp.referenceNames.push_back(toStd(referencePaths[j]));
            bp.estimateNames.push_back(toStd(outputs[j]));
        }
        bss = metrics::bssEvalImages(r, estimates, bp);
        QJsonArray perm, list;
        for (int j = 0; j < J; ++j) {
            perm << bss.permutation[j];
            list << QJsonObject{{"reference", referencePaths[j]}, {"estimate", outputs[bss.permutation[j]]},
                                {"sdr", jsonNumber(bss.sdr[j])},   {"isr", jsonNumber(bss.isr[j])},
                                {"sir", jsonNumber(bss.sir[j])},   {"sar", jsonNumber(bss.sar[j])}};
        }
        metricsJson = QJsonObject{{"mode", "images"},  {"function", "bss_eval_images"}, {"permutation", perm},
                                  {"filter_length", 512}, {"sources", list}};
    }
    if (p.isSet("json")) {
        QJsonArray outs;
        for (const QString& o : outputs) outs << o;
        printJson(QJsonObject{{"method", "mc-wiener"},
                              {"magnitudes", magnitudes},
                              {"channels", C},
                              {"iterations", params.iterations},
                              {"seconds", seconds},
                              {"stft", stftToJson(config)},
                              {"outputs", outs},
                              {"trace", QJsonArray{}},
                              {"metrics", metricsJson}});
        return ExitOk;
    }
    std::printf("method mc-wiener (%d EM iteration%s), %s magnitudes, %d channel%s, %s, %.2f s\n", params.iterations,
                params.iterations == 1 ? "" : "s", qPrintable(magnitudes), C, C == 1 ? "" : "s", config.describe().c_str(), seconds);
    for (int j = 0; j < J; ++j) {
        std::printf("  %s", qPrintable(outputs[j]));
        if (p.isSet("eval"))
            std::printf("   SDR %6.2f  ISR %6.2f  SIR %6.2f  SAR %6.2f dB (images)", bss.sdr[j], bss.isr[j], bss.sir[j], bss.sar[j]);
        std::printf("\n");
    }
    return ExitOk;
}

}  // namespace phaselab::cli
