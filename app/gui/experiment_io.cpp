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
            separation->setSeparateDownmix(r.channels == "mono-downmix");
        }
        panel->selectAlgorithm(r.algorithm);
        panel->form()->setValues(r.parameters);
        panel->run();
    }
};

}  // namespace

void saveExperiment(MainWindow* window, const QString& path) {
    Document* doc = window->document();
    const experiment::Experiment e = doc->experiment(QFileInfo(path).absolutePath(), window->viewSettingsJson());

    // The file dialog asked before replacing the experiment; its outputs folder belongs to it. The
    // inputs are never written, wherever they live.
    OutputPolicy policy(true);
    for (const QString& input : doc->inputPaths()) policy.addInput(input.toStdString());
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
    for (const SeparationRun& r : doc->separationRuns()) folders.push_back("run-" + std::to_string(folders.size() + 1) + "-" + r.methodId.toStdString());
    for (const RecoveryRun& r : doc->recoveryRuns()) folders.push_back("run-" + std::to_string(folders.size() + 1) + "-" + r.algorithmId.toStdString());
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
    for (const SeparationRun& r : doc->separationRuns()) {
        ++index;
        std::vector<std::string> names;
        for (std::size_t j = 0; j < r.sources.size(); ++j)
            names.push_back(r.sourceNames.value(int(j), QString("source-%1").arg(j + 1)).toStdString());
        names = uniqueFileNames(names);
        for (std::size_t j = 0; j < r.sources.size(); ++j) {
            const QString name = QString::fromStdString(names[j]);
            writeRunAudio(folders[std::size_t(index - 1)], names[j] + ".wav", *r.sources[j]);
            const std::vector<std::pair<const char*, const std::vector<double>*>> figures{
                {"sdr", &r.sdr}, {"sir", &r.sir}, {"sar", &r.sar}, {"isr", &r.isr}};
            for (const auto& [figure, values] : figures)
                if (j < values->size()) table << index << ",separation," << r.methodId << "," << name << "," << figure << "," << (*values)[j] << "\n";
        }
    }
    for (const RecoveryRun& r : doc->recoveryRuns()) {
        ++index;
        writeRunAudio(folders[std::size_t(index - 1)], "recovered.wav", *r.audio);
        table << index << ",recovery," << r.algorithmId << ",recovered,spectral_convergence_db," << r.result.spectralConvergenceDb << "\n";
        table << index << ",recovery," << r.algorithmId << ",recovered,snr_db," << r.snrDb << "\n";
    }
    table.flush();
    writeFileAtomically(csvPath, csvText.toStdString());
    doc->setModified(false);
}

void openExperiment(MainWindow* window, RecoveryPanel* recovery, SeparationPanel* separation, const QString& path) {
    const auto e = std::make_shared<const experiment::Experiment>(experiment::read(path.toStdString()));
    const QDir base = QFileInfo(path).absoluteDir();
    auto resolve = [&](const std::string& p) { return QDir::cleanPath(base.absoluteFilePath(QString::fromStdString(p))); };
    std::vector<experiment::InputFile> inputs{e->mixture};
    inputs.insert(inputs.end(), e->references.begin(), e->references.end());
    for (const auto& in : inputs)
        if (!in.checksum.empty() && experiment::checksum(resolve(in.path).toStdString()) != in.checksum)
            throw InputError("'" + resolve(in.path).toStdString() + "' has changed since the experiment was saved");
    QStringList refs;
    for (const auto& r : e->references) refs << resolve(r.path);
    // The experiment replaces the document: its inputs are opened, then its runs re-computed one
    // after another; its listening results and view settings come back with it.
    auto queue = std::make_shared<RunQueue>(RunQueue{e->runs, 0, recovery, separation});
    auto* connection = new QMetaObject::Connection;
    *connection = QObject::connect(window, &MainWindow::loadFinished, window, [=](bool ok) {
        QObject::disconnect(*connection);
        delete connection;
        if (!ok) return;
        window->document()->restoreRecords(*e);
        window->applyViewSettingsJson(window->document()->viewSettings());
        auto* next = new QObject(window);  // lives while this document does
        QObject::connect(window->document(), &Document::changed, next, [next] { next->deleteLater(); });
        QObject::connect(recovery, &RecoveryPanel::runAdded, next, [queue] { queue->start(); });
        QObject::connect(separation, &SeparationPanel::runAdded, next, [queue] { queue->start(); });
        queue->start();
    });
    window->openFile(resolve(e->mixture.path), refs);
}

void installExperimentActions(MainWindow* window, RecoveryPanel* recovery, SeparationPanel* separation) {
    window->setSaveSession([window]() -> bool {
        const QString path = askExportPath(window, QObject::tr("Save experiment"), "experiment.json", QObject::tr("Experiment (*.json)"));
        if (path.isEmpty()) return false;
        try {
            saveExperiment(window, path);
            window->statusBar()->showMessage(QObject::tr("Saved %1; re-run it with: phaselab-cli run %1 -o OUTDIR").arg(path), 8000);
            return true;
        } catch (const std::exception& e) {
            QMessageBox::warning(window, QObject::tr("Cannot save the experiment"), QString::fromStdString(e.what()));
            return false;
        }
    });
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
    QObject::connect(save, &QAction::triggered, window, [window] { window->saveSession(); });
    QObject::connect(open, &QAction::triggered, window, [=] {
        if (!window->confirmDiscard()) return;
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
