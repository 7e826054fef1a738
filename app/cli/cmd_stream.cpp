// phaselab-cli stream: a file through the streaming engine block by block, as the live mode runs it.
#include <QDir>
#include <QFileInfo>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <numeric>

#include "cli_common.h"
#include "core/common/error.h"
#include "core/metrics/bss_eval.h"
#include "core/metrics/si_sdr.h"
#include "core/nmf/supervised_nmf.h"
#include "core/stream/nmf_stream.h"
#include "core/stream/online_separation.h"
#include "core/stream/rtisila.h"
#include "core/stream/rtpghi.h"

namespace phaselab::cli {
namespace {

struct StreamRun {
    std::vector<Eigen::ArrayXf> outputs;  // aligned with the input unless keepLatency
    std::vector<double> factors;          // per block: processing time / block duration
};

// Runs the inputs (equal lengths) through `engine` in blocks of `block`, then `latency` zeros so the
// last input sample comes out.
StreamRun streamFile(stream::StreamEngine& engine, const std::vector<Eigen::ArrayXf>& inputs, int block, double rate,
                    bool keepLatency) {
    const Eigen::Index L = inputs[0].size(), total = L + engine.latency();
    const int J = engine.processor().outputs();
    StreamRun r;
    r.outputs.assign(std::size_t(J), Eigen::ArrayXf::Zero(total));
    std::vector<float> zeros(std::size_t(block), 0.0f);
    std::vector<const float*> in(inputs.size());
    std::vector<float*> out(static_cast<std::size_t>(J), nullptr);
    for (Eigen::Index at = 0; at < total; at += block) {
        const int n = int(std::min<Eigen::Index>(block, total - at));
        for (std::size_t i = 0; i < inputs.size(); ++i)
            in[i] = at + n <= L ? inputs[i].data() + at : nullptr;
        std::vector<std::vector<float>> partial;
        for (std::size_t i = 0; i < inputs.size(); ++i)
            if (!in[i]) {  // the block that crosses the end, and the flush: zeros after the input
                partial.emplace_back(std::size_t(n), 0.0f);
                for (Eigen::Index k = at; k < std::min<Eigen::Index>(L, at + n); ++k) partial.back()[std::size_t(k - at)] = inputs[i](k);
                in[i] = partial.back().data();
            }
        for (int j = 0; j < J; ++j) out[std::size_t(j)] = r.outputs[std::size_t(j)].data() + at;
        const auto start = std::chrono::steady_clock::now();
        engine.process(in.data(), out.data(), n);
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        r.factors.push_back(seconds / (double(n) / rate));
    }
    for (auto& o : r.outputs) o = keepLatency ? Eigen::ArrayXf(o.head(total)) : Eigen::ArrayXf(o.segment(engine.latency(), L));
    return r;
}

}  // namespace

namespace {

bool isRecovery(const QString& method) { return method == "rtpghi" || method == "rtisi-la" || method == "gsrtisi-la"; }

// Every file of `paths` at `rate` with `frames` samples, with `channels` channels: its own, a mono file
// for every channel, or its downmix when channels is 1 (InputError naming it otherwise).
std::vector<Eigen::ArrayXXf> readInStep(const QStringList& paths, const char* what, double rate, Eigen::Index frames,
                                        const std::string& inputPath, bool sameLength, int channels) {
    std::vector<Eigen::ArrayXXf> out;
    for (const QString& path : paths) {
        const Audio r = readInput(toStd(path));
        if (channels > 1 && r.channels() != 1 && r.channels() != channels)
            throw InputError(std::string("the ") + what + " " + toStd(path) + " has " + std::to_string(r.channels()) + " channels but " +
                             inputPath + " has " + std::to_string(channels) + ": give it the input's channels (or one for all), or "
                             "stream the downmix with --mono");
        if (r.sampleRate != rate)
            throw InputError(std::string("the ") + what + " " + toStd(path) + " is at " + std::to_string(int(r.sampleRate)) +
                             " Hz but " + inputPath + " is at " + std::to_string(int(rate)) + " Hz: resample it first");
        if (sameLength && r.frames() != frames)
            throw InputError(std::string("the ") + what + " " + toStd(path) + " has " + std::to_string(r.frames()) +
                             " samples but " + inputPath + " has " + std::to_string(frames) +
                             ": a stream plays it in step with the mixture");
        out.push_back(r.withChannels(channels));
    }
    return out;
}

}  // namespace

int runStream(const QStringList& args) {
    QCommandLineParser p;
    p.setApplicationDescription(
        "Runs INPUT through PhaseLab's streaming engine block by block, exactly as the live mode does, and\n"
        "reports the latency (window + look-ahead x hop), the processing time per block against the block's\n"
        "duration (real-time factor) and the figures. A multichannel INPUT streams each channel through its own\n"
        "engine (the same method and settings; references and stems with INPUT's channels, or mono for all),\n"
        "its real-time factor per block the sum over the channels, its outputs and figures multichannel\n"
        "(bss_eval_images with ISR); --mono streams the downmix.\n"
        "Phase recovery from INPUT's magnitude: rtpghi (--lookahead 0 or 1), rtisi-la (--lookahead K,\n"
        "--iterations N per frame) or gsrtisi-la (the same with compensated windows, --start rtpghi,\n"
        "rtpghi-causal or zeros). Writes OUT.wav; figure: the spectral convergence against INPUT's magnitude.\n"
        "Separation of the mixture INPUT: omisi (online MISI, --lookahead K, --iterations N per frame),\n"
        "wiener (online Wiener) or aw (online anisotropic Wiener, --kappa). Source magnitudes: the\n"
        "--reference files played in step (oracle), --stem files played in step (another separator's\n"
        "estimates), or supervised NMF on INPUT alone with dictionaries learned from --train files (one per\n"
        "source; --components, --nmf-iterations per frame, --beta). Writes one WAV per source into the\n"
        "directory OUT; with --reference, figures: BSS Eval v3 SDR/SIR/SAR and SI-SDR (and its improvement\n"
        "over the mixture) per source, as `phaselab-cli eval --json`.\n"
        "Outputs are aligned with INPUT (the latency removed) unless --keep-latency.");
    p.addPositionalArgument("INPUT", "Audio file: the magnitude to recover a phase for, or the mixture.");
    p.addOption({{"o", "output"}, "Output WAV (recovery) or output directory (separation).", "OUT"});
    p.addOption({"method", "rtpghi, rtisi-la, gsrtisi-la, omisi, wiener or aw.", "METHOD", "rtpghi"});
    p.addOption({"lookahead", "Look-ahead in frames (rtpghi: 0 or 1, default 1; rtisi-la: 0 to 16, default 2; gsrtisi-la: "
                              "0 to 16, default 1, plus one with --start rtpghi; omisi: 0 to 16, default 1).", "K"});
    p.addOption({"iterations", "omisi: MISI iterations per frame (0 to 1000; default 15 / (K + 1)); rtisi-la, gsrtisi-la: "
                               "passes per frame (1 to 1000, default 12).", "N"});
    p.addOption({"start", "omisi: start phase of each new frame, mix or sinus (default mix); gsrtisi-la: rtpghi, "
                          "rtpghi-causal or zeros (default rtpghi).", "START"});
    p.addOption({"tolerance", "rtpghi, gsrtisi-la's RTPGHI start: relative magnitude below which a coefficient gets a random phase.", "TOL", "1e-6"});
    p.addOption({"seed", "rtpghi, gsrtisi-la's RTPGHI start: seed of the random phase table.", "N", "0"});
    p.addOption({"kappa", "aw: von Mises concentration of the source phases around their sinusoidal locations (0: Wiener).", "K", "1"});
    p.addOption({"reference", "Separation: a true source, streamed in step for its magnitude (oracle) unless --stem or --train "
                              "give the magnitudes, and evaluated against (repeat per source).", "FILE"});
    p.addOption({"stem", "Separation: an estimated source (another separator's stem) streamed in step for its magnitude "
                         "(repeat per source).", "FILE"});
    p.addOption({"train", "Separation: training audio of one source; its NMF dictionary gives live magnitudes from INPUT "
                          "alone (repeat per source).", "FILE"});
    p.addOption({"components", "--train: NMF components per source.", "K", "10"});
    p.addOption({"learn-iterations", "--train: NMF iterations learning each dictionary.", "N", "200"});
    p.addOption({"nmf-iterations", "--train: NMF iterations per frame for the activations.", "N", "50"});
    p.addOption({"beta", "--train: beta-divergence (0 IS, 1 KL, 2 Euclidean).", "B", "1"});
    p.addOption({"block", "Samples per block handed to the engine (1 to 65536).", "N", "512"});
    p.addOption({"keep-latency", "Write the outputs as they left the engine: latency samples of silence first."});
    p.addOption({"mono", "Stream the mono downmix of a multichannel INPUT (default: each channel through its own engine)."});
    addStftOptions(p, 2048, 256);
    p.addOption({"json", "Print the figures as JSON."});
    addForceOption(p);
    if (!parse(p, args, 1, 1)) return ExitOk;
    if (!p.isSet("output")) throw UsageError("missing -o OUT");
    const QString method = choiceValue(p, "method", {"rtpghi", "rtisi-la", "gsrtisi-la", "omisi", "wiener", "aw"});
    const bool separating = !isRecovery(method);
    const QStringList referencePaths = p.values("reference"), stemPaths = p.values("stem"), trainPaths = p.values("train");
    auto only = [&](std::initializer_list<const char*> options, std::initializer_list<const char*> methods) {
        for (const char* o : options)
            if (p.isSet(o) && std::none_of(methods.begin(), methods.end(), [&](const char* m) { return method == m; })) {
                QStringList names;
                for (const char* m : methods) names << m;
                throw UsageError(std::string("--") + o + " applies to --method " + toStd(names.join(", ")) + " only");
            }
    };
    only({"iterations"}, {"omisi", "rtisi-la", "gsrtisi-la"});
    only({"start"}, {"omisi", "gsrtisi-la"});
    only({"tolerance", "seed"}, {"rtpghi", "gsrtisi-la"});
    only({"kappa"}, {"aw"});
    only({"lookahead"}, {"rtpghi", "rtisi-la", "gsrtisi-la", "omisi"});
    only({"reference", "stem", "train"}, {"omisi", "wiener", "aw"});
    if (trainPaths.isEmpty()) only({"components", "learn-iterations", "nmf-iterations", "beta"}, {});
    if (!stemPaths.isEmpty() && !trainPaths.isEmpty()) throw UsageError("give the magnitudes by --stem or by --train, not both");
    const QString magnitudes = !trainPaths.isEmpty() ? "nmf" : !stemPaths.isEmpty() ? "stems" : "oracle";
    const QStringList& sourcePaths = magnitudes == "nmf" ? trainPaths : magnitudes == "stems" ? stemPaths : referencePaths;
    if (separating && sourcePaths.isEmpty())
        throw UsageError("--method " + toStd(method) +
                         " needs the sources' magnitudes: one --reference (oracle), --stem or --train per source");
    if (magnitudes != "oracle" && !referencePaths.isEmpty() && referencePaths.size() != sourcePaths.size())
        throw UsageError("give as many --reference files (for the figures) as --" + std::string(magnitudes == "nmf" ? "train" : "stem") +
                         " files");
    const StftConfig config = stftFromOptions(p);
    const int block = intValue(p, "block", 1, 65536);

    const std::string inputPath = toStd(p.positionalArguments().at(0));
    OutputPolicy policy = outputPolicy(p);
    policy.addInput(inputPath);
    for (const QStringList* list : {&referencePaths, &stemPaths, &trainPaths})
        for (const QString& r : *list) policy.addInput(toStd(r));
    const Audio file = readInput(inputPath);
    const bool perChannel = file.channels() > 1 && !p.isSet("mono");
    const int C = perChannel ? file.channels() : 1;
    const Eigen::ArrayXXf input = file.withChannels(C);  // its channels, or the downmix
    const double rate = file.sampleRate;
    const Eigen::Index frames = file.frames();
    // The engine's inputs per channel: the signal or mixture, then the magnitude streams.
    std::vector<Eigen::ArrayXXf> inputs{input};
    const std::vector<Eigen::ArrayXXf> references = readInStep(referencePaths, "reference", rate, frames, inputPath, true, C);
    if (magnitudes == "oracle") inputs.insert(inputs.end(), references.begin(), references.end());
    if (magnitudes == "stems") {
        const auto stems = readInStep(stemPaths, "stem", rate, frames, inputPath, true, C);
        inputs.insert(inputs.end(), stems.begin(), stems.end());
    }

    const int J = int(sourcePaths.size());
    std::vector<nmf::Matrix> dictionaries;  // --train: learned once from the training files' downmixes
    nmf::SupervisedNmfParams sp;
    if (magnitudes == "nmf") {
        sp.components = intValue(p, "components", 1, 1000);
        sp.learnIterations = intValue(p, "learn-iterations", 1, 100000);
        sp.beta = doubleValue(p, "beta", 0, 2);
        Stft stft(config);
        std::vector<Magnitudes> training;
        for (const auto& t : readInStep(trainPaths, "training file", rate, frames, inputPath, false, 1))
            training.push_back(stft.analyse(Eigen::ArrayXf(t.col(0))).abs());
        dictionaries = nmf::learnDictionaries(training, sp);
    }
    auto makeEngine = [&]() {  // one per channel: every engine keeps its own state
        std::unique_ptr<stream::FrameProcessor> processor;
        if (method == "rtpghi") {
            stream::RtpghiParams rp;
            rp.lookahead = p.isSet("lookahead") ? intValue(p, "lookahead", 0, 1) : 1;
            rp.tolerance = doubleValue(p, "tolerance", 1e-300, 0.999999);
            rp.seed = unsigned(intValue(p, "seed", 0, 2147483647));
            processor = std::make_unique<stream::RtpghiProcessor>(config, rp);
        } else if (method == "rtisi-la" || method == "gsrtisi-la") {
            stream::RtisiLaParams rp;
            const bool gs = method == "gsrtisi-la";
            rp.variant = gs ? stream::RtisiLaParams::Variant::GsRtisiLa : stream::RtisiLaParams::Variant::RtisiLa;
            rp.lookahead = p.isSet("lookahead") ? intValue(p, "lookahead", 0, 16) : gs ? 1 : 2;
            rp.iterations = p.isSet("iterations") ? intValue(p, "iterations", 1, 1000) : 12;
            if (gs) {
                const QString start = p.isSet("start") ? choiceValue(p, "start", {"rtpghi", "rtpghi-causal", "zeros"}) : "rtpghi";
                rp.start = start == "rtpghi" ? stream::RtisiLaParams::Start::Rtpghi1
                           : start == "rtpghi-causal" ? stream::RtisiLaParams::Start::Rtpghi0
                                                      : stream::RtisiLaParams::Start::Zeros;
                rp.rtpghi.tolerance = doubleValue(p, "tolerance", 1e-300, 0.999999);
                rp.rtpghi.seed = unsigned(intValue(p, "seed", 0, 2147483647));
            }
            processor = std::make_unique<stream::RtisiLaProcessor>(config, rp);
        } else {
            if (method == "omisi") {
                stream::OnlineMisiParams mp;
                mp.lookahead = p.isSet("lookahead") ? intValue(p, "lookahead", 0, 16) : 1;
                mp.iterations = p.isSet("iterations") ? intValue(p, "iterations", 0, 1000) : -1;
                mp.sinusoidalStart = p.isSet("start") && choiceValue(p, "start", {"mix", "sinus"}) == "sinus";
                processor = std::make_unique<stream::OnlineMisiProcessor>(config, J, mp);
            } else if (method == "aw") {
                processor = std::make_unique<stream::OnlineAwProcessor>(config, J, doubleValue(p, "kappa", 0, 1e6));
            } else {
                processor = std::make_unique<stream::OnlineWienerProcessor>(config, J);
            }
            if (magnitudes == "nmf") {
                stream::NmfFrameParams fp;
                fp.iterations = intValue(p, "nmf-iterations", 1, 10000);
                fp.beta = sp.beta;
                processor = std::make_unique<stream::NmfSeparationProcessor>(std::make_unique<stream::NmfFrameModel>(dictionaries, fp),
                                                                             std::move(processor));
            }
        }
        return std::make_unique<stream::StreamEngine>(config, std::move(processor));
    };
    const auto firstEngine = makeEngine();
    const int lookahead = firstEngine->processor().lookahead(), latency = firstEngine->latency();

    const QString out = p.value("output");
    QStringList outputs;
    if (separating) {
        std::vector<std::string> names;
        for (const QString& r : referencePaths.isEmpty() ? sourcePaths : referencePaths)
            names.push_back(toStd(QFileInfo(r).completeBaseName()));
        if (!QDir().mkpath(out)) throw InputError("cannot create the output directory " + toStd(out));
        for (const auto& name : uniqueFileNames(names)) {
            const std::string path = policy.inside(toStd(out), name + ".wav");
            policy.check(path, "an estimated source");
            outputs << QString::fromStdString(path);
        }
    } else {
        policy.check(toStd(out), "the recovered signal");
        outputs << out;
    }

    const bool keepLatency = p.isSet("keep-latency");
    std::vector<Eigen::ArrayXXf> results;  // per output: samples x C
    std::vector<double> factors;           // per block, summed over the channels
    for (int c = 0; c < C; ++c) {
        std::vector<Eigen::ArrayXf> channelInputs;
        for (const auto& x : inputs) channelInputs.push_back(x.col(c));
        const StreamRun run = streamFile(c == 0 ? *firstEngine : *makeEngine(), channelInputs, block, rate, keepLatency);
        if (c == 0) {
            results.assign(run.outputs.size(), Eigen::ArrayXXf(run.outputs[0].size(), C));
            factors.assign(run.factors.size(), 0.0);
        }
        for (std::size_t j = 0; j < results.size(); ++j) results[j].col(c) = run.outputs[j];
        for (std::size_t k = 0; k < factors.size(); ++k) factors[k] += run.factors[k];
    }
    const double meanFactor = factors.empty() ? 0 : std::accumulate(factors.begin(), factors.end(), 0.0) / double(factors.size());
    const double maxFactor = factors.empty() ? 0 : *std::max_element(factors.begin(), factors.end());
    for (int j = 0; j < int(outputs.size()); ++j)
        writeAudio(toStd(outputs[j]), Audio{rate, results[std::size_t(j)]}, SampleFormat::Float32);

    const double latencyMs = 1000.0 * latency / rate;
    const char* handling = perChannel ? "per channel" : file.channels() > 1 ? "mono downmix" : "mono";
    QJsonObject o{{"method", method},
                  {"input", QString::fromStdString(inputPath)},
                  {"channels", C},
                  {"channel_handling", handling},
                  {"stft", stftToJson(config)},
                  {"lookahead_frames", lookahead},
                  {"latency_samples", latency},
                  {"latency_ms", latencyMs},
                  {"block", block},
                  {"blocks", double(factors.size())},
                  {"real_time_factor", QJsonObject{{"mean", meanFactor}, {"max", maxFactor}}},
                  {"aligned", !keepLatency}};
    if (method == "omisi") o["start"] = p.isSet("start") ? p.value("start") : "mix";
    if (method == "gsrtisi-la") o["start"] = p.isSet("start") ? p.value("start") : "rtpghi";
    if (method == "omisi" || method == "rtisi-la" || method == "gsrtisi-la")
        o["iterations_per_frame"] = method == "omisi" ? p.isSet("iterations") ? p.value("iterations").toInt() : 15 / (lookahead + 1)
                                                      : p.isSet("iterations") ? p.value("iterations").toInt() : 12;
    if (method == "aw") o["kappa"] = p.value("kappa").toDouble();
    if (separating) o["magnitudes"] = magnitudes;
    Stft stft(config);
    double sc = NAN;
    std::vector<double> sdr, sir, sar, siSdr, siSdri, isr;
    if (!separating) {
        double error = 0, energy = 0;  // over every channel: the channels' figures weighted by their energy
        for (int c = 0; c < C && !keepLatency; ++c) {
            const Magnitudes V = stft.analyse(Eigen::ArrayXf(input.col(c))).abs();
            const double e = V.cast<double>().square().sum();
            if (e > 0) error += e * std::pow(10.0, spectralConvergenceDb(stft.analyse(Eigen::ArrayXf(results[0].col(c))), V) / 10);
            energy += e;
        }
        if (energy > 0) sc = 10 * std::log10(error / energy);
        o["output"] = out;
        o["spectral_convergence_db"] = jsonNumber(sc);
    } else if (!keepLatency && !references.empty()) {
        std::vector<metrics::Signal> refs, ests;
        metrics::BssParams bp;
        for (int j = 0; j < J; ++j) {
            refs.push_back(references[std::size_t(j)].cast<double>());
            ests.push_back(results[std::size_t(j)].cast<double>());
            bp.referenceNames.push_back(toStd(referencePaths[j]));
            bp.estimateNames.push_back(toStd(outputs[j]));
        }
        bp.permutation = false;
        const metrics::BssResult bss = C > 1 ? metrics::bssEvalImages(refs, ests, bp) : metrics::bssEvalSources(refs, ests, bp);
        const metrics::Signal mixture = input.cast<double>();
        QJsonArray sources;
        for (int j = 0; j < J; ++j) {
            double s = NAN, si = NAN;
            try {
                s = metrics::siSdr(refs[std::size_t(j)], ests[std::size_t(j)]);
                si = s - metrics::siSdr(refs[std::size_t(j)], mixture);
            } catch (const InputError&) {  // a constant reference: SI-SDR undefined
            }
            sdr.push_back(bss.sdr[j]), sir.push_back(bss.sir[j]), sar.push_back(bss.sar[j]), siSdr.push_back(s), siSdri.push_back(si);
            QJsonObject source{{"reference", referencePaths[j]}, {"estimate", outputs[j]},    {"sdr", jsonNumber(bss.sdr[j])},
                               {"sir", jsonNumber(bss.sir[j])}, {"sar", jsonNumber(bss.sar[j])},
                               {"si_sdr", jsonNumber(s)},        {"si_sdri", jsonNumber(si)}};
            if (C > 1) source["isr"] = jsonNumber(bss.isr[j]), isr.push_back(bss.isr[j]);
            sources << source;
        }
        QJsonArray perm;
        for (int j = 0; j < J; ++j) perm << j;
        o["metrics"] = QJsonObject{{"mode", C > 1 ? "images" : "sources"}, {"function", C > 1 ? "bss_eval_images" : "bss_eval_sources"},
                                   {"version", "v3"},
                                   {"permutation", perm}, {"filter_length", 512},        {"sources", sources}};
    }
    if (separating) {
        QJsonArray outs;
        for (const QString& s : outputs) outs << s;
        o["outputs"] = outs;
        if (keepLatency || references.empty()) o["metrics"] = QJsonValue(QJsonValue::Null);
    }
    if (p.isSet("json")) {
        printJson(o);
        return ExitOk;
    }
    std::printf("%s through the streaming engine: %s, look-ahead %d frame%s, blocks of %d samples\n", qPrintable(method),
                config.describe().c_str(), lookahead, lookahead == 1 ? "" : "s", block);
    std::printf("latency %d samples = %.1f ms (window %d + %d x hop %d)\n", latency, latencyMs, config.windowLength,
                lookahead, config.hop);
    if (perChannel) std::printf("%d channels, each through its own engine (the real-time factor sums them per block)\n", C);
    else if (file.channels() > 1) std::printf("the mono downmix of %d channels (--mono)\n", file.channels());
    std::printf("real-time factor: mean %.4f, worst block %.4f (processing time / block duration)\n", meanFactor, maxFactor);
    if (!separating) {
        if (!keepLatency) std::printf("spectral convergence %.2f dB\n", sc);
        std::printf("wrote %s\n", qPrintable(out));
    } else {
        std::printf("source magnitudes: %s\n", magnitudes == "oracle" ? "the references, in step (oracle)"
                                               : magnitudes == "stems" ? "the stems, in step"
                                                                       : "supervised NMF on the input (dictionaries from --train)");
        for (int j = 0; j < J; ++j) {
            std::printf("  %s", qPrintable(outputs[j]));
            if (!sdr.empty())
                std::printf("   SDR %6.2f  SIR %6.2f  SAR %6.2f  SI-SDR %6.2f (%+.2f over the mixture) dB", sdr[std::size_t(j)],
                            sir[std::size_t(j)], sar[std::size_t(j)], siSdr[std::size_t(j)], siSdri[std::size_t(j)]);
            if (!isr.empty()) std::printf("  ISR %6.2f dB (images)", isr[std::size_t(j)]);
            std::printf("\n");
        }
    }
    return ExitOk;
}

}  // namespace phaselab::cli
