#include "app/gui/experiment_io.h"

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QTextStream>
#include <QStatusBar>
#include <memory>

#include "app/gui/main_window.h"
#include "core/common/error.h"
#include "core/experiment/experiment.h"
#include "core/io/audio.h"
#include "core/io/output_policy.h"
#include "widgets/param_form.h"
#include "widgets/recovery_panel.h"
#include "widgets/run_panel.h"
#include "widgets/separation_panel.h"
#include "widgets/export_file.h"

namespace phaselab {
namespace {

// Paths are stored relative to the experiment file, whatever the working directory was when the
// file was opened, so the experiment reopens from anywhere.
experiment::InputFile input(const QString& name, const QString& path, const QDir& base) {
    const QString absolute = QFileInfo(path).absoluteFilePath();
    return {name.toStdString(), base.relativeFilePath(absolute).toStdString(), experiment::checksum(absolute.toStdString())};
}

// Runs the queued specs one after another in the panels.
struct RunQueue {
    std::vector<experiment::RunSpec> runs;
    std::size_t next = 0;
    RecoveryPanel* recovery;
    SeparationPanel* separation;
    void start() {
        if (next >= runs.size()) return;
        const experiment::RunSpec& r = runs[next++];
        RunPanel* panel = r.kind == "recovery" ? recovery->runPanel() : separation->runPanel();
        if (r.kind == "recovery") recovery->setStftConfig(r.stft);
        else {
            separation->setStftConfig(r.stft);
            separation->setMagnitudeSource(QString::fromStdString(r.magnitudes));
        }
        panel->selectAlgorithm(r.algorithm);
        panel->form()->setValues(r.parameters);
        panel->run();
    }
};

}  // namespace

void saveExperiment(MainWindow* window, RecoveryPanel* recovery, SeparationPanel* separation, const QString& path) {
    const Document* doc = window->document();
    if (doc->isEmpty()) throw InputError("nothing to save: open a mixture first");
    if (recovery->runs().empty() && separation->runs().empty()) throw InputError("nothing to save: make a run first");
    const QDir base = QFileInfo(path).absoluteDir();
    experiment::Experiment e;
    e.mixture = input(QFileInfo(doc->path()).completeBaseName(), doc->path(), base);
    for (const NamedAudio& r : doc->references()) e.references.push_back(input(r.name, r.path, base));
    for (const SeparationRun& r : separation->runs()) {
        experiment::RunSpec s;
        s.algorithm = r.methodId.toStdString();
        s.magnitudes = r.magnitudes == "mixture" ? "oracle" : r.magnitudes.toStdString();
        s.parameters = r.parameters;
        s.stft = r.config;
        if (!r.sdr.empty()) s.metrics = {{"sdr", r.sdr}, {"sir", r.sir}, {"sar", r.sar}};
        e.runs.push_back(std::move(s));
    }
    for (const RecoveryRun& r : recovery->runs()) {
        experiment::RunSpec s;
        s.kind = "recovery";
        s.algorithm = r.algorithmId.toStdString();
        s.parameters = r.parameters;
        s.stft = r.config;
        s.metrics = {{"spectral_convergence_db", {r.result.spectralConvergenceDb}}, {"snr_db", {r.snrDb}}};
        e.runs.push_back(std::move(s));
    }
    // The file dialog asked before replacing the experiment; its outputs folder belongs to it. The
    // inputs are never written, wherever they live.
    OutputPolicy policy(true);
    policy.addInput(doc->path().toStdString());
    for (const NamedAudio& r : doc->references()) policy.addInput(r.path.toStdString());
    policy.check(path.toStdString(), "the experiment");
    experiment::write(e, path.toStdString(), true);

    // Beside the file: every run's output WAVs and a metrics table, in <name>_outputs/.
    const std::string outputs = QFileInfo(path).absolutePath().toStdString() + "/" +
                                safeFileName(QFileInfo(path).completeBaseName().toStdString() + "_outputs");
    QDir().mkpath(QString::fromStdString(outputs));
    const std::string csvPath = policy.inside(outputs, "metrics.csv");
    policy.check(csvPath, "the metrics table");
    QString csvText;
    QTextStream table(&csvText);
    std::vector<std::string> folders;
    for (const SeparationRun& r : separation->runs()) folders.push_back("run-" + std::to_string(folders.size() + 1) + "-" + r.methodId.toStdString());
    for (const RecoveryRun& r : recovery->runs()) folders.push_back("run-" + std::to_string(folders.size() + 1) + "-" + r.algorithmId.toStdString());
    folders = uniqueFileNames(folders);
    auto writeRunAudio = [&](const std::string& folder, const std::string& file, const Audio& audio) {
        const std::string dir = policy.inside(outputs, folder);
        QDir().mkpath(QString::fromStdString(dir));
        const std::string target = policy.inside(dir, file);
        policy.check(target, "a run's output");
        writeAudio(target, audio, SampleFormat::Float32);
    };
    table << "run,kind,algorithm,output,figure,value\n";
    int index = 0;
    for (const SeparationRun& r : separation->runs()) {
        ++index;
        std::vector<std::string> names;
        for (std::size_t j = 0; j < r.sources.size(); ++j)
            names.push_back(r.sourceNames.value(int(j), QString("source-%1").arg(j + 1)).toStdString());
        names = uniqueFileNames(names);
        for (std::size_t j = 0; j < r.sources.size(); ++j) {
            const QString name = QString::fromStdString(names[j]);
            writeRunAudio(folders[std::size_t(index - 1)], names[j] + ".wav", *r.sources[j]);
            const std::vector<std::pair<const char*, const std::vector<double>*>> figures{{"sdr", &r.sdr}, {"sir", &r.sir}, {"sar", &r.sar}};
            for (const auto& [figure, values] : figures)
                if (j < values->size()) table << index << ",separation," << r.methodId << "," << name << "," << figure << "," << (*values)[j] << "\n";
        }
    }
    for (const RecoveryRun& r : recovery->runs()) {
        ++index;
        writeRunAudio(folders[std::size_t(index - 1)], "recovered.wav", *r.audio);
        table << index << ",recovery," << r.algorithmId << ",recovered,spectral_convergence_db," << r.result.spectralConvergenceDb << "\n";
        table << index << ",recovery," << r.algorithmId << ",recovered,snr_db," << r.snrDb << "\n";
    }
    table.flush();
    writeFileAtomically(csvPath, csvText.toStdString());
}

void openExperiment(MainWindow* window, RecoveryPanel* recovery, SeparationPanel* separation, const QString& path) {
    const experiment::Experiment e = experiment::read(path.toStdString());
    const QDir base = QFileInfo(path).absoluteDir();
    auto resolve = [&](const std::string& p) { return QDir::cleanPath(base.absoluteFilePath(QString::fromStdString(p))); };
    std::vector<experiment::InputFile> inputs{e.mixture};
    inputs.insert(inputs.end(), e.references.begin(), e.references.end());
    for (const auto& in : inputs)
        if (!in.checksum.empty() && experiment::checksum(resolve(in.path).toStdString()) != in.checksum)
            throw InputError("'" + resolve(in.path).toStdString() + "' has changed since the experiment was saved");
    QStringList refs;
    for (const auto& r : e.references) refs << resolve(r.path);
    auto queue = std::make_shared<RunQueue>(RunQueue{e.runs, 0, recovery, separation});
    auto* connection = new QMetaObject::Connection;
    *connection = QObject::connect(window, &MainWindow::loadFinished, window, [queue, connection, recovery, separation](bool ok) {
        QObject::disconnect(*connection);
        delete connection;
        if (!ok) return;
        QObject::connect(recovery, &RecoveryPanel::runAdded, recovery, [queue] { queue->start(); });
        QObject::connect(separation, &SeparationPanel::runAdded, separation, [queue] { queue->start(); });
        queue->start();
    });
    window->openFile(resolve(e.mixture.path), refs);
}

void installExperimentActions(MainWindow* window, RecoveryPanel* recovery, SeparationPanel* separation) {
    QMenu* file = nullptr;
    for (QAction* a : window->menuBar()->actions())
        if (a->menu() && a->text().remove('&') == QObject::tr("File")) file = a->menu();
    if (!file) return;
    QAction* before = file->actions().size() > 3 ? file->actions().at(3) : nullptr;
    auto* save = new QAction(QObject::tr("Save experiment…"), window);
    auto* open = new QAction(QObject::tr("Open experiment…"), window);
    save->setToolTip(QObject::tr("Save the inputs and every run (algorithm, parameters, metrics) to re-run with phaselab-cli run"));
    file->insertAction(before, open);
    file->insertAction(before, save);
    QObject::connect(save, &QAction::triggered, window, [=] {
        const QString path = askExportPath(window, QObject::tr("Save experiment"), "experiment.json", QObject::tr("Experiment (*.json)"));
        if (path.isEmpty()) return;
        try {
            saveExperiment(window, recovery, separation, path);
            window->statusBar()->showMessage(QObject::tr("Saved %1; re-run it with: phaselab-cli run %1 -o OUTDIR").arg(path), 8000);
        } catch (const std::exception& e) {
            QMessageBox::warning(window, QObject::tr("Cannot save the experiment"), QString::fromStdString(e.what()));
        }
    });
    QObject::connect(open, &QAction::triggered, window, [=] {
        const QString path = QFileDialog::getOpenFileName(window, QObject::tr("Open experiment"), QString(), QObject::tr("Experiment (*.json)"));
        if (path.isEmpty()) return;
        try {
            openExperiment(window, recovery, separation, path);
        } catch (const std::exception& e) {
            QMessageBox::warning(window, QObject::tr("Cannot open the experiment"), QString::fromStdString(e.what()));
        }
    });
}

}  // namespace phaselab
