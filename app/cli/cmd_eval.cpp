#include <QElapsedTimer>
#include <QFileInfo>
#include <cmath>
#include <cstdio>
#include <limits>
#include <set>

#include "cli_common.h"
#include "core/common/error.h"
#include "core/common/memory.h"
#include "core/io/audio.h"
#include "core/metrics/bss_eval.h"
#include "core/metrics/si_sdr.h"

namespace phaselab::cli {
namespace {

using metrics::Signal;

// Takes "--reference A B C" / "--estimate ..." (also repeated, or --reference=A) out of args.
QStringList takeList(QStringList& args, const QString& name) {
    QStringList values;
    QStringList rest;
    for (int i = 0; i < args.size(); ++i) {
        const QString& a = args[i];
        if (a == "--" + name || a == "-" + name) {
            while (i + 1 < args.size() && !args[i + 1].startsWith("--")) values << args[++i];
        } else if (a.startsWith("--" + name + "=")) {
            values << a.mid(name.size() + 3);
        } else {
            rest << a;
        }
    }
    args = rest;
    return values;
}

std::string fmt(double v) {
    if (std::isnan(v)) return "nan";
    char b[32];
    std::snprintf(b, sizeof b, "%.2f", v);
    return b;
}

std::string fileName(const QString& path) { return toStd(QFileInfo(path).fileName()); }

}  // namespace

int runEval(const QStringList& argsIn) {
    QStringList args = argsIn;
    const QStringList refPaths = takeList(args, "reference");
    const QStringList estPaths = takeList(args, "estimate");
    QCommandLineParser p;
    p.setApplicationDescription(
        "Evaluate estimated sources against references (all values in dB).\n"
        "  sources    BSS Eval v3 SDR/SIR/SAR as mir_eval 0.7 bss_eval_sources (mono files)\n"
        "  images     BSS Eval v3 SDR/ISR/SIR/SAR as mir_eval bss_eval_images (any channel count)\n"
        "  framewise  bss_eval_sources_framewise: filters re-estimated per window; medians reported\n"
        "  v4         museval v4: global filters, images criteria per window, medians reported\n"
        "  si-sdr     zero-mean SI-SDR (and SI-SDRi with --mixture) and plain SNR\n"
        "--reference R1 R2 ... --estimate E1 E2 ...: one estimate per reference, same sample rate and\n"
        "channel count. An estimate whose length differs is zero-padded or trimmed to the reference\n"
        "length (museval's rule) with a note. The permutation maximising the mean SIR (SI-SDR in\n"
        "si-sdr mode) matches estimates to references unless --no-permutation; framewise and v4\n"
        "pair reference i with estimate i, as mir_eval and museval do. In JSON, NaN (a window with a\n"
        "silent signal; its reason is given) is null and an infinite ratio is the string \"inf\".\n"
        "Exit codes: 0 success, 1 unusable input, 2 bad usage.");
    // --reference/--estimate take several values and are taken out of args above; listed for --help.
    p.addOption({"reference", "Reference files, one per source (several values).", "R1 R2 ..."});
    p.addOption({"estimate", "Estimate files, as many as references (several values).", "E1 E2 ..."});
    p.addOption({"mode", "sources (default), images, framewise, v4 or si-sdr.", "MODE", "sources"});
    p.addOption({"window", "Window length for framewise and v4, in seconds (default 1).", "SECONDS", "1"});
    p.addOption({"hop", "Hop between windows, in seconds (default: the window length).", "SECONDS"});
    p.addOption({"filter-length", "Distortion filter taps (BSS Eval; default 512).", "N", "512"});
    p.addOption({"mixture", "si-sdr mode: the mixture, to report SI-SDR improvement.", "FILE"});
    p.addOption({"no-permutation", "Pair reference i with estimate i."});
    p.addOption({"json", "Print JSON instead of a table."});
    p.addOption({"threads", "Threads (default 2; 1 = the calling thread only).", "N", "2"});
    if (!parse(p, args, 0, 0)) return ExitOk;
    const QString mode = choiceValue(p, "mode", {"sources", "images", "framewise", "v4", "si-sdr"});
    if (refPaths.isEmpty()) throw UsageError("give the reference files: --reference R1 R2 ...");
    if (estPaths.isEmpty()) throw UsageError("give the estimate files: --estimate E1 E2 ...");
    if (refPaths.size() != estPaths.size())
        throw UsageError(std::to_string(refPaths.size()) + " references but " + std::to_string(estPaths.size()) +
                         " estimates: give one estimate per reference");
    if (refPaths.size() > metrics::kMaxSources)
        throw InputError("at most " + std::to_string(metrics::kMaxSources) + " sources can be evaluated, got " +
                         std::to_string(refPaths.size()));
    const double windowSec = doubleValue(p, "window", 0.001, 36000);
    const double hopSec = p.isSet("hop") ? doubleValue(p, "hop", 0.001, 36000) : windowSec;
    metrics::BssParams params;
    params.filterLength = intValue(p, "filter-length", 1, 4096);
    params.threads = intValue(p, "threads", 1, 64);
    params.permutation = !p.isSet("no-permutation");
    for (const auto& r : refPaths) params.referenceNames.push_back(toStd(r));
    for (const auto& e : estPaths) params.estimateNames.push_back(toStd(e));

    // Load and check what core cannot see: sample rates, channel counts, lengths (with a note).
    std::vector<Signal> refs, ests;
    double rate = 0;
    QJsonArray notes;
    auto load = [&](const QString& path, const char* kind) {
        const Audio a = readInput(toStd(path));  // missing, unreadable, empty, NaN/Inf: InputError
        if (rate == 0) rate = a.sampleRate;
        if (a.sampleRate != rate)
            throw InputError(std::string(kind) + " '" + toStd(path) + "' has sample rate " + QString::number(a.sampleRate).toStdString() +
                             " Hz but '" + toStd(refPaths[0]) + "' has " + QString::number(rate).toStdString() + " Hz: resample it first");
        if (!refs.empty() && a.channels() != refs[0].cols())
            throw InputError(std::string(kind) + " '" + toStd(path) + "' has " + std::to_string(a.channels()) +
                             " channels but '" + toStd(refPaths[0]) + "' has " + std::to_string(refs[0].cols()));
        Signal s;
        resizeLarge(s, a.data.rows(), a.data.cols());
        s = a.data.cast<double>();
        return s;
    };
    for (const auto& r : refPaths) {
        refs.push_back(load(r, "reference"));
        if (refs.back().rows() != refs[0].rows())
            throw InputError("reference '" + toStd(r) + "' has " + std::to_string(refs.back().rows()) +
                             " samples but '" + toStd(refPaths[0]) + "' has " + std::to_string(refs[0].rows()) +
                             ": references must have the same length");
    }
    for (const auto& e : estPaths) {
        ests.push_back(load(e, "estimate"));
        const Eigen::Index had = ests.back().rows(), want = refs[0].rows();
        if (metrics::conformLength(ests.back(), want)) {
            const std::string note = "estimate '" + toStd(e) + "' has " + std::to_string(had) +
                                     " samples, the references " + std::to_string(want) + ": " +
                                     (had < want ? "zero-padded" : "trimmed") + " to the reference length";
            std::fprintf(stderr, "note: %s\n", note.c_str());
            notes.append(QString::fromStdString(note));
        }
    }
    const bool monoMode = mode == "sources" || mode == "framewise";
    if (monoMode && refs[0].cols() != 1)
        throw InputError("'" + toStd(refPaths[0]) + "' has " + std::to_string(refs[0].cols()) + " channels: the " +
                         toStd(mode) + " mode takes mono files (use --mode images or v4 for multichannel)");
    const Eigen::Index window = std::max<Eigen::Index>(1, Eigen::Index(std::llround(windowSec * rate)));
    const Eigen::Index hop = std::max<Eigen::Index>(1, Eigen::Index(std::llround(hopSec * rate)));

    QElapsedTimer timer;
    timer.start();
    const int J = int(refs.size());
    std::vector<int> perm(static_cast<std::size_t>(J));
    std::iota(perm.begin(), perm.end(), 0);
    Eigen::ArrayXd sdr = Eigen::ArrayXd::Constant(J, NAN), sir = sdr, sar = sdr, isr, siSdr(J), snr(J), siSdri;
    metrics::FramewiseResult frames;
    bool framed = false;
    if (mode == "sources" || mode == "images") {
        const metrics::BssResult r = mode == "sources" ? metrics::bssEvalSources(refs, ests, params)
                                                       : metrics::bssEvalImages(refs, ests, params);
        perm = r.permutation;
        sdr = r.sdr, sir = r.sir, sar = r.sar, isr = r.isr;
    } else if (mode == "framewise" || mode == "v4") {
        params.permutation = false;
        frames = mode == "v4" ? metrics::bssEvalV4(refs, ests, window, hop, params)
                              : metrics::bssEvalFramewise(refs, ests, window, hop, metrics::FramewiseKind::Sources, params);
        sdr = frames.medianSdr(), sir = frames.medianSir(), sar = frames.medianSar();
        if (mode == "v4") isr = frames.medianIsr();
        framed = true;
    }
    // SI-SDR is undefined (NaN, with a note) for a reference that is constant or one sample long:
    // nothing is left of it after the mean is removed.
    std::set<int> undefinedSiSdr;
    auto siSdrOrNan = [&](int j, const Signal& estimate) {
        try {
            return metrics::siSdr(refs[std::size_t(j)], estimate);
        } catch (const InputError&) {
            if (undefinedSiSdr.insert(j).second) {
                const std::string note = "reference '" + toStd(refPaths[j]) +
                                         "' is constant after removing its mean: its SI-SDR is undefined (NaN)";
                std::fprintf(stderr, "note: %s\n", note.c_str());
                notes.append(QString::fromStdString(note));
            }
            return double(NAN);
        }
    };
    if (mode == "si-sdr") {
        metrics::validateSignals(refs, ests, params, false);
        Eigen::ArrayXXd score(J, J);
        for (int e = 0; e < J; ++e)
            for (int j = 0; j < J; ++j)
                score(e, j) = (params.permutation || e == j) ? siSdrOrNan(j, ests[std::size_t(e)]) : 0;
        score = score.isNaN().select(-std::numeric_limits<double>::infinity(), score);
        if (params.permutation) perm = metrics::bestPermutation(score);
    }
    Signal mixture;
    if (p.isSet("mixture")) {
        const Audio m = readInput(toStd(p.value("mixture")));
        if (m.sampleRate != rate)
            throw InputError("the mixture '" + toStd(p.value("mixture")) + "' has sample rate " + QString::number(m.sampleRate).toStdString() +
                             " Hz but the references have " + QString::number(rate).toStdString() + " Hz: resample it first");
        mixture = Signal(m.data.cast<double>());
        if (mixture.cols() != refs[0].cols()) throw InputError("the mixture's channel count differs from the references'");
        if (metrics::conformLength(mixture, refs[0].rows())) {
            const std::string note = "the mixture's length differs from the references': padded or trimmed";
            std::fprintf(stderr, "note: %s\n", note.c_str());
            notes.append(QString::fromStdString(note));
        }
        siSdri.resize(J);
    }
    for (int j = 0; j < J; ++j) {
        const Signal& e = ests[std::size_t(perm[std::size_t(j)])];
        siSdr(j) = siSdrOrNan(j, e);
        snr(j) = metrics::snrDb(refs[std::size_t(j)], e);
        if (siSdri.size()) siSdri(j) = siSdr(j) - siSdrOrNan(j, mixture);
    }
    const double seconds = timer.nsecsElapsed() * 1e-9;
    const bool images = isr.size() > 0;

    if (p.isSet("json")) {
        QJsonArray permJson, sources;
        for (int v : perm) permJson.append(v);
        for (int j = 0; j < J; ++j) {
            QJsonObject s{{"reference", refPaths[j]}, {"estimate", estPaths[perm[std::size_t(j)]]}};
            if (mode != "si-sdr") {
                s["sdr"] = jsonNumber(sdr(j));
                s["sir"] = jsonNumber(sir(j));
                s["sar"] = jsonNumber(sar(j));
                if (images) s["isr"] = jsonNumber(isr(j));
            }
            s["si_sdr"] = jsonNumber(siSdr(j));
            s["snr"] = jsonNumber(snr(j));
            if (siSdri.size()) s["si_sdri"] = jsonNumber(siSdri(j));
            if (framed) {
                QJsonArray fr;
                for (std::size_t k = 0; k < frames.starts.size(); ++k) {
                    const Eigen::Index c = Eigen::Index(k);
                    QJsonObject f{{"start", double(frames.starts[k]) / rate},
                                  {"sdr", jsonNumber(frames.sdr(j, c))},
                                  {"sir", jsonNumber(frames.sir(j, c))},
                                  {"sar", jsonNumber(frames.sar(j, c))}};
                    if (images) f["isr"] = jsonNumber(frames.isr(j, c));
                    if (!frames.reasons[k].empty()) f["reason"] = QString::fromStdString(frames.reasons[k]);
                    fr.append(f);
                }
                s["frames"] = fr;
            }
            sources.append(s);
        }
        QJsonObject o{{"mode", mode}, {"permutation", permJson}, {"seconds", seconds}, {"sample_rate", rate},
                      {"filter_length", params.filterLength}, {"sources", sources}};
        if (framed) {
            o["window"] = double(frames.window) / rate;
            o["hop"] = double(frames.hop) / rate;
            o["aggregate"] = "median over windows";
        }
        if (!notes.isEmpty()) o["notes"] = notes;
        printJson(o);
        return ExitOk;
    }

    std::printf("mode: %s   permutation:", toStd(mode).c_str());
    for (int v : perm) std::printf(" %d", v);
    std::printf("   (%.3f s)\n", seconds);
    if (framed)
        std::printf("%zu windows of %.3f s, hop %.3f s; values are medians over windows\n", frames.starts.size(),
                    double(frames.window) / rate, double(frames.hop) / rate);
    std::printf("%-24s %-24s", "reference", "estimate");
    if (mode != "si-sdr") std::printf(" %8s%s %8s %8s", "SDR", images ? "      ISR" : "", "SIR", "SAR");
    std::printf(" %8s %8s%s\n", "SI-SDR", "SNR", siSdri.size() ? "  SI-SDRi" : "");
    for (int j = 0; j < J; ++j) {
        std::printf("%-24s %-24s", fileName(refPaths[j]).c_str(), fileName(estPaths[perm[std::size_t(j)]]).c_str());
        if (mode != "si-sdr") {
            std::printf(" %8s", fmt(sdr(j)).c_str());
            if (images) std::printf(" %8s", fmt(isr(j)).c_str());
            std::printf(" %8s %8s", fmt(sir(j)).c_str(), fmt(sar(j)).c_str());
        }
        std::printf(" %8s %8s", fmt(siSdr(j)).c_str(), fmt(snr(j)).c_str());
        if (siSdri.size()) std::printf(" %8s", fmt(siSdri(j)).c_str());
        std::printf("\n");
    }
    if (framed) {
        for (std::size_t k = 0; k < frames.reasons.size(); ++k)
            if (!frames.reasons[k].empty())
                std::printf("window at %.3f s: NaN (%s)\n", double(frames.starts[k]) / rate, frames.reasons[k].c_str());
    }
    return ExitOk;
}

}  // namespace phaselab::cli
