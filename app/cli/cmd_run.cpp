#include <QDir>
#include <QFileInfo>
#include <QSaveFile>
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
    p.addOption({"force", "Replace existing output files."});
    p.addOption({"threads", "Worker threads for the metrics.", "N", "1"});
    if (!parse(p, args, 1, 1)) return ExitOk;
    if (!p.isSet("output")) throw UsageError("missing -o OUTDIR");
    const std::string path = toStd(p.positionalArguments().at(0));
    const bool force = p.isSet("force");
    experiment::Experiment e = experiment::read(path);
    const std::string baseDir = QFileInfo(QString::fromStdString(path)).absolutePath().toStdString();
    const QDir out(p.value("output"));
    if (!QDir().mkpath(out.path())) throw InputError("cannot create the output directory " + toStd(out.path()));
    const QString csvPath = out.filePath("metrics.csv");
    if (!force && QFileInfo::exists(csvPath)) throw InputError(toStd(csvPath) + " exists already: choose another folder or pass --force");

    QSaveFile csv(csvPath);
    if (!csv.open(QIODevice::WriteOnly | QIODevice::Text)) throw InputError("cannot write " + toStd(csvPath));
    QTextStream table(&csv);
    table << "run,kind,algorithm,output,figure,stored,reproduced,difference\n";
    double worst = -1;
    for (std::size_t i = 0; i < e.runs.size(); ++i) {
        experiment::RunSpec& run = e.runs[i];
        std::printf("run %zu: %s %s%s\n", i + 1, run.kind.c_str(), run.algorithm.c_str(),
                    run.kind == "separation" ? (" on " + run.magnitudes + " magnitudes").c_str() : "");
        const experiment::RunOutput result = experiment::execute(e, run, baseDir);
        const QDir runDir(out.filePath(QString("run-%1-%2").arg(i + 1).arg(QString::fromStdString(run.algorithm))));
        QDir().mkpath(runDir.path());
        for (std::size_t j = 0; j < result.waveforms.size(); ++j) {
            const QString wav = runDir.filePath(QString::fromStdString(result.names[j]) + ".wav");
            if (!force && QFileInfo::exists(wav)) throw InputError(toStd(wav) + " exists already: pass --force to replace it");
            writeAudio(toStd(wav), Audio::fromMono(result.waveforms[j], result.sampleRate), SampleFormat::Float32);
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
    if (!csv.commit()) throw InputError("cannot write " + toStd(csvPath));
    if (p.isSet("save")) experiment::write(e, toStd(p.value("save")), force);
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
