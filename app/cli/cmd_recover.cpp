#include <QFileInfo>
#include <cmath>
#include <cstdio>

#include "cli_common.h"
#include "core/common/error.h"
#include "core/io/audio.h"
#include "core/recovery/bregman.h"
#include "core/recovery/griffin_lim.h"
#include "core/recovery/pghi.h"
#include "core/recovery/pu.h"

namespace phaselab::cli {
namespace {

recovery::PghiParams pghiFromOptions(const QCommandLineParser& p) {
    recovery::PghiParams pghi;
    pghi.tolerance = doubleValue(p, "tolerance", 0, 1);
    pghi.secondTolerance = p.isSet("second-tolerance") ? doubleValue(p, "second-tolerance", 0, 1) : pghi.secondTolerance;
    pghi.seed = unsigned(intValue(p, "seed", 0, 2147483647));
    return pghi;
}

// The initial phase of channel `channel` of an input with `channels` channels (1 with --mono).
recovery::InitialPhase initFromOption(const QCommandLineParser& p, Eigen::Index length, double sampleRate, int channel,
                                      int channels) {
    recovery::InitialPhase init;
    const QString v = p.value("init");
    init.seed = unsigned(intValue(p, "seed", 0, 2147483647));
    init.pu.sampleRate = sampleRate;
    init.pghi = pghiFromOptions(p);
    if (v.startsWith("file:")) {
        const std::string path = toStd(v.mid(5));
        if (path.empty()) throw UsageError("--init file:PATH needs a file name");
        const Audio a = readInput(path, channels == 1 ? Channels::Mono : Channels::Keep);
        if (a.sampleRate != sampleRate)
            throw InputError("the initial-phase file " + path + " is at " + std::to_string(int(a.sampleRate)) +
                             " Hz but the input is at " + std::to_string(int(sampleRate)) + " Hz");
        if (a.frames() != length)
            throw InputError("the initial-phase file " + path + " has " + std::to_string(a.frames()) +
                             " samples but the input has " + std::to_string(length));
        if (a.channels() != 1 && a.channels() != channels)
            throw InputError("the initial-phase file " + path + " has " + std::to_string(a.channels()) +
                             " channels; give one channel or as many as the input");
        init.kind = recovery::InitialPhaseKind::Signal;
        init.signal = a.data.col(a.channels() == 1 ? 0 : channel);
        return init;
    }
    init.kind = recovery::initialPhaseFromName(toStd(choiceValue(p, "init", {"zero", "random", "pu", "pghi"})));
    return init;
}

}  // namespace

int runRecover(const QStringList& args) {
    QCommandLineParser p;
    p.setApplicationDescription(
        "Phase recovery: take the magnitude of INPUT's STFT, discard its phase and rebuild a\n"
        "signal from the magnitude alone, with Griffin-Lim (gl), fast Griffin-Lim (fgla), phase unwrapping\n"
        "with the sinusoidal model (pu), phase gradient heap integration (pghi, no iteration) or\n"
        "beta-divergence phase retrieval (bregman). Writes OUT.wav (float).\n"
        "--json prints the figures: spectral convergence 20 log10(|| |STFT(y)| - V || / ||V||) in dB, relative\n"
        "inconsistency, SNR of the output against INPUT (dB; phase retrieval recovers a signal only up to a\n"
        "global sign and other ambiguities, so a low SNR is expected) and the per-iteration trace.\n"
        "A multichannel INPUT is recovered channel by channel (each channel's own magnitude; --init file:\n"
        "takes the same channel of that file, or its only one) into a file with the same channels; the\n"
        "figures are over all channels, --json adds them per channel. --mono recovers the downmix instead.");
    p.addPositionalArgument("INPUT", "Audio file whose STFT magnitude is the target.");
    p.addOption({{"o", "output"}, "Output WAV file.", "OUT.wav"});
    p.addOption({"method", "gl, fgla, pghi, pu or bregman.", "METHOD", "gl"});
    p.addOption({"iterations", "Iterations (gl, fgla, bregman).", "N", "100"});
    p.addOption({"init", "Initial phase: zero, random, pu, pghi or file:PATH (the phase of that file's STFT).", "INIT", "zero"});
    p.addOption({"seed", "Seed of the random initial phase (pghi: of the coefficients below the second tolerance).", "N", "0"});
    p.addOption({"momentum", "Momentum of fast Griffin-Lim in [0, 1] (default 0 for gl, 0.99 for fgla).", "A"});
    p.addOption({"beta", "bregman: beta of the divergence, in [0, 2].", "B", "2"});
    p.addOption({"power", "bregman: compare |STFT|^D with V^D, D = 1 or 2.", "D", "1"});
    p.addOption({"side", "bregman: right D(V|est) or left D(est|V).", "SIDE", "right"});
    p.addOption({"solver", "bregman: gd (accelerated gradient) or admm.", "SOLVER", "gd"});
    p.addOption({"step", "bregman gd: step relative to a Griffin-Lim step (0 = default).", "MU", "0"});
    p.addOption({"rho", "bregman admm: penalty.", "RHO", "0.1"});
    p.addOption({"tolerance", "pghi (method or --init): pass 1 threshold, a fraction of the largest magnitude in (0, 1).",
                 "TOL", "0.1"});
    p.addOption({"second-tolerance", "pghi: pass 2 threshold in (0, TOL]; equal to TOL for one pass.", "TOL2", "1e-10"});
    p.addOption({"no-onsets", "pu: do not restart the phase at detected onsets."});
    p.addOption({"phase-reference", "Phase reference of each STFT frame: centre (default) or start (librosa's convention; "
                                    "a zero initial phase then equals librosa's init=None).", "REF", "centre"});
    addStftOptions(p);
    p.addOption({"threads", "Worker threads.", "N", "1"});
    p.addOption({"mono", "Recover the mono downmix of a multichannel INPUT (default: each channel)."});
    p.addOption({"json", "Print the figures as JSON."});
    addForceOption(p);
    addProgressOption(p);
    if (!parse(p, args, 1, 1)) return ExitOk;
    const RunControl progress = progressControl(p);
    if (!p.isSet("output")) throw UsageError("missing -o OUT.wav");

    const QString method = choiceValue(p, "method", {"gl", "fgla", "pghi", "pu", "bregman"});
    if (method == "pu" || method == "pghi") {
        for (const char* option : {"init", "iterations"})
            if (p.isSet(option))
                throw UsageError(std::string("--") + option + " does not apply to --method " + toStd(method) +
                                 " (it builds its phase in one pass)");
    }
    if (method == "pu" && p.isSet("seed")) throw UsageError("--seed does not apply to --method pu (it has no random part)");
    if ((p.isSet("tolerance") || p.isSet("second-tolerance")) && method != "pghi" && p.value("init") != "pghi")
        throw UsageError("--tolerance and --second-tolerance apply to --method pghi or --init pghi only");
    StftConfig config = stftFromOptions(p);
    config.zeroPhase = choiceValue(p, "phase-reference", {"centre", "start"}) == "centre";
    const int iterations = intValue(p, "iterations", 1, 100000);
    const int threads = intValue(p, "threads", 1, 64);
    const double momentum = p.isSet("momentum") ? doubleValue(p, "momentum", 0, 1) : (method == "fgla" ? 0.99 : 0.0);
    if (p.isSet("momentum") && method != "gl" && method != "fgla")
        throw UsageError("--momentum applies to --method gl or fgla only");

    const std::string inputPath = toStd(p.positionalArguments().at(0));
    const QString out = p.value("output");
    OutputPolicy policy = outputPolicy(p);
    policy.addInput(inputPath);
    if (p.value("init").startsWith("file:")) policy.addInput(toStd(p.value("init").mid(5)));
    policy.check(toStd(out), "the recovered signal");
    const bool mono = p.isSet("mono");
    Audio input = readInput(inputPath);
    const std::string handling = input.channels() == 1 ? "mono" : mono ? "mono-downmix" : "per-channel";
    if (mono && input.channels() > 1) input.data = Eigen::ArrayXXf(input.mono());
    const int channels = input.channels();
    const Eigen::Index length = input.frames();
    Stft stft(config);
    double targetEnergy = 0;  // ||V||^2 of the channel last recovered
    auto recoverChannel = [&](int c) {
        const RunControl control =
            stageControl(progress, c, channels, channels > 1 ? "channel " + std::to_string(c + 1) + " of " + std::to_string(channels) : "");
        const Eigen::Ref<const Eigen::ArrayXf> x = input.data.col(c);
        const Magnitudes V = stft.analyseMagnitudes(x);
        targetEnergy = V.cast<double>().square().sum();
        if (!(V > 0).any())
            throw InputError(inputPath + (channels > 1 ? " (channel " + std::to_string(c + 1) + ")" : std::string()) +
                             " is silent: there is no magnitude to recover a phase from");
        if (method == "pghi") return recovery::pghiRecovery(V, length, config, pghiFromOptions(p), control);
        if (method == "pu") {
            recovery::PuParams pu;
            pu.sampleRate = input.sampleRate;
            pu.onsets = !p.isSet("no-onsets");
            return recovery::phaseUnwrapping(V, length, config, pu, control);
        }
        if (method == "bregman") {
            recovery::BregmanParams b;
            b.iterations = iterations;
            b.beta = doubleValue(p, "beta", 0, 2);
            b.power = intValue(p, "power", 1, 2);
            b.side = choiceValue(p, "side", {"right", "left"}) == "left" ? recovery::BregmanSide::Left : recovery::BregmanSide::Right;
            b.solver = choiceValue(p, "solver", {"gd", "admm"}) == "admm" ? recovery::BregmanSolver::Admm
                                                                         : recovery::BregmanSolver::GradientDescent;
            b.step = doubleValue(p, "step", 0, 1e6);
            b.rho = doubleValue(p, "rho", 1e-6, 1e6);
            b.init = initFromOption(p, length, input.sampleRate, c, channels);
            b.threads = threads;
            return recovery::bregmanRetrieval(V, length, config, b, control);
        }
        recovery::GriffinLimParams g;
        g.iterations = iterations;
        g.momentum = momentum;
        g.init = initFromOption(p, length, input.sampleRate, c, channels);
        g.threads = threads;
        return recovery::griffinLim(V, length, config, g, control);
    };

    // Channel by channel; the figures over all channels weight each by its energy.
    Audio output;
    output.sampleRate = input.sampleRate;
    output.data.resize(length, channels);
    std::vector<recovery::RecoveryResult> results;
    std::vector<double> snrs, energies;
    double signal = 0, noise = 0;
    auto db = [](double s, double n) { return n > 0 ? 10 * std::log10(s / n) : INFINITY; };
    for (int c = 0; c < channels; ++c) {
        recovery::RecoveryResult rc = recoverChannel(c);
        energies.push_back(targetEnergy);
        output.data.col(c) = rc.signal;
        const auto x = input.data.col(c).cast<double>();
        const double s2 = x.square().sum(), n2 = (x - rc.signal.cast<double>()).square().sum();
        signal += s2;
        noise += n2;
        snrs.push_back(db(s2, n2));
        rc.signal.resize(0);
        results.push_back(std::move(rc));
    }
    const recovery::RecoveryResult r = recovery::combineChannelFigures(results, energies);
    const double snr = db(signal, noise);
    writeAudio(toStd(out), output, SampleFormat::Float32);
    if (p.isSet("json")) {
        QJsonArray perChannel;
        for (int c = 0; c < channels && channels > 1; ++c)
            perChannel.append(QJsonObject{{"channel", c + 1},
                                          {"iterations", results[std::size_t(c)].iterations},
                                          {"seconds", results[std::size_t(c)].seconds},
                                          {"spectral_convergence_db", results[std::size_t(c)].spectralConvergenceDb},
                                          {"inconsistency", results[std::size_t(c)].inconsistency},
                                          {"snr_db", snrs[std::size_t(c)]}});
        QJsonArray trace;
        for (const auto& f : r.trace)
            trace.append(QJsonObject{{"iteration", f.iteration},
                                     {"spectral_convergence_db", f.spectralConvergenceDb},
                                     {"inconsistency", f.inconsistency},
                                     {"objective", f.objective}});
        printJson(QJsonObject{{"method", method},
                              {"input", QString::fromStdString(inputPath)},
                              {"output", out},
                              {"stft", stftToJson(config)},
                              {"iterations", r.iterations},
                              {"seconds", r.seconds},
                              {"spectral_convergence_db", r.spectralConvergenceDb},
                              {"inconsistency", r.inconsistency},
                              {"snr_db", snr},
                              {"channels", channels},
                              {"channel_handling", QString::fromStdString(handling)},
                              {"per_channel", perChannel},
                              {"trace", trace}});
        return ExitOk;
    }
    if (channels > 1) std::printf("%d channels, recovered channel by channel (--mono for the downmix)\n", channels);
    else if (handling == "mono-downmix") std::printf("recovered the mono downmix (--mono)\n");
    std::printf("%s: %d iterations in %.2f s, spectral convergence %.2f dB, inconsistency %.4g, SNR %.2f dB\nwrote %s\n",
                qPrintable(method), r.iterations, r.seconds, r.spectralConvergenceDb, r.inconsistency, snr, qPrintable(out));
    return ExitOk;
}

}  // namespace phaselab::cli
