#include <QDir>
#include <QFileInfo>
#include <QTextStream>
#include <cmath>
#include <cstdio>

#include "cli_common.h"
#include "core/experiment/experiment.h"
#include "core/io/audio.h"

namespace phaselab::cli {

int runExperiment(const QStringList& args) {
    QCommandLineParser p;
    p.setApplicationDescription(
        "Re-run an experiment file headless: every run on the same inputs (checked by checksum), one folder of WAVs\n"
        "per run in OUTDIR, metrics.csv with the stored and reproduced figures. Exit 1 if a stored figure is not\n"
        "reproduced within 0.01 dB. --save writes the experiment with the reproduced figures (e.g. to fill in a\n"
        "hand-written experiment).");
    p.addPositionalArgument("EXPERIMENT", "Experiment file (JSON).");
    p.addOption({{"o", "output"}, "Output directory (created if missing).", "OUTDIR"});
    p.addOption({"save", "Write the experiment with the reproduced metrics to this file.", "FILE"});
    p.addOption({"threads", "Worker threads for the STFTs and the metrics (default 2, as the GUI: the thread count changes the rounding of the overlap-add, which shows at very high SDRs).", "N", "2"});
    addForceOption(p);
    if (!parse(p, args, 1, 1)) return ExitOk;
    const int threads = intValue(p, "threads", 1, 64);
    if (!p.isSet("output")) throw UsageError("missing -o OUTDIR");
    const std::string path = toStd(p.positionalArguments().at(0));
    experiment::Experiment e = experiment::read(path);
    const std::string baseDir = QFileInfo(QString::fromStdString(path)).absolutePath().toStdString();
    OutputPolicy policy = outputPolicy(p);
    policy.addInput(path);
    policy.addInput(experiment::resolvePath(baseDir, e.mixture.path));
    for (const auto& r : e.references) policy.addInput(experiment::resolvePath(baseDir, r.path));
    const std::string outDir = toStd(p.value("output"));
    if (p.isSet("save")) policy.check(toStd(p.value("save")), "the experiment (--save)");
    if (!QDir().mkpath(QString::fromStdString(outDir))) throw InputError("cannot create the output directory " + outDir);
    const std::string csvPath = policy.inside(outDir, "metrics.csv");
    policy.check(csvPath, "the metrics table");
    std::vector<std::string> runFolders;
    for (std::size_t i = 0; i < e.runs.size(); ++i)
        runFolders.push_back("run-" + std::to_string(i + 1) + "-" + e.runs[i].algorithm);
    runFolders = uniqueFileNames(runFolders);

    QString csvText;
    QTextStream table(&csvText);
    table << "run,kind,algorithm,output,figure,stored,reproduced,difference\n";
    double worst = -1;
    for (std::size_t i = 0; i < e.runs.size(); ++i) {
        experiment::RunSpec& run = e.runs[i];
        std::printf("run %zu: %s %s%s\n", i + 1, run.kind.c_str(), run.algorithm.c_str(),
                    run.kind == "separation" ? (" on " + run.magnitudes + " magnitudes").c_str() : "");
        const experiment::RunOutput result = experiment::execute(e, run, baseDir, {}, threads);
        const std::string runDir = policy.inside(outDir, runFolders[i]);
        if (!QDir().mkpath(QString::fromStdString(runDir))) throw InputError("cannot create the folder " + runDir);
        const std::vector<std::string> files = uniqueFileNames(result.names);
        for (std::size_t j = 0; j < result.waveforms.size(); ++j) {
            const std::string wav = policy.inside(runDir, files[j] + ".wav");
            policy.check(wav, "a run's output");
            writeAudio(wav, Audio{result.sampleRate, result.waveforms[j]}, SampleFormat::Float32);
        }
        for (const auto& [figure, values] : result.metrics) {
            const auto stored = run.metrics.find(figure);
            for (std::size_t j = 0; j < values.size(); ++j) {
                const double s = stored != run.metrics.end() && j < stored->second.size() ? stored->second[j] : NAN;
                const std::string name = j < result.names.size() ? result.names[j] : std::to_string(j + 1);
                table << i + 1 << "," << QString::fromStdString(run.kind) << "," << QString::fromStdString(run.algorithm) << ","
                      << QString::fromStdString(name) << "," << QString::fromStdString(figure) << ","
                      << (std::isnan(s) ? QString() : QString::number(s, 'f', 6)) << "," << QString::number(values[j], 'f', 6) << ","
                      << (std::isnan(s) ? QString() : QString::number(values[j] - s, 'g', 3)) << "\n";
                std::printf("  %-12s %-26s %10.4f dB%s\n", name.c_str(), figure.c_str(), values[j],
                            std::isnan(s) ? "" : QString(" (stored %1)").arg(s, 0, 'f', 4).toLocal8Bit().constData());
            }
        }
        worst = std::max(worst, experiment::maxDifference(run, result));
        run.metrics = result.metrics;
    }
    table.flush();
    writeFileAtomically(csvPath, csvText.toStdString());
    if (p.isSet("save")) {
        policy.check(toStd(p.value("save")), "the experiment (--save)");
        experiment::write(e, toStd(p.value("save")), true);
    }
    if (worst < 0) {
        std::printf("no stored figures to compare%s\n", p.isSet("save") ? "; reproduced figures saved" : "");
        return ExitOk;
    }
    std::printf("largest difference from the stored figures: %.6f dB\n", worst);
    if (worst > 0.01) {
        std::fprintf(stderr, "phaselab-cli run: the experiment does not reproduce (%.4f dB > 0.01 dB)\n", worst);
        return ExitFailed;
    }
    return ExitOk;
}

}  // namespace phaselab::cli
