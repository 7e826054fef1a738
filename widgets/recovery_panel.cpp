#include "widgets/recovery_panel.h"

#include <algorithm>
#include <QComboBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

#include "core/common/error.h"
#include "core/metrics/si_sdr.h"
#include "core/recovery/registry.h"
#include "core/recovery/run_recovery.h"
#include "widgets/run_panel.h"
#include "widgets/run_table.h"
#include "widgets/stft_chooser.h"
#include "widgets/export_file.h"

namespace phaselab {
namespace {

// "one pass" for a method without an iterations parameter (PGHI, PU), else "1 iteration", "30 iterations".
QString iterationsText(const AlgorithmDescription& d, int iterations) {
    const bool iterative = std::any_of(d.params.begin(), d.params.end(), [](const ParamSpec& s) { return s.id == "iterations"; });
    if (!iterative) return QObject::tr("one pass");
    return iterations == 1 ? QObject::tr("1 iteration") : QObject::tr("%1 iterations").arg(iterations);
}

}  // namespace

RecoveryPanel::RecoveryPanel(QWidget* parent)
    : QWidget(parent),
      run_(new RunPanel(recovery::recoveryAlgorithms(), this)),
      stft_(new StftChooser(this)),
      table_(new QTableWidget(0, 7, this)),
      play_(new QPushButton(tr("Play"), this)),
      show_(new QPushButton(tr("Show"), this)),
      compare_(new QPushButton(tr("A/B with original"), this)),
      export_(new QPushButton(tr("Export WAV…"), this)) {
    run_->extraLayout()->addWidget(stft_);
    run_->setConvergenceFigures({{"spectral_convergence_db", tr("Spectral convergence (dB)")}, {"inconsistency", tr("Inconsistency")}});
    run_->setBlockedReason(tr("Open an audio file first."));

    table_->setHorizontalHeaderLabels({tr("#"), tr("Algorithm"), tr("Iter."), tr("Time (s)"), tr("SC (dB)"), tr("Incons."), tr("SNR (dB)")});
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table_->horizontalHeader()->setSectionResizeMode(1, QHeaderView::Stretch);
    table_->verticalHeader()->hide();
    table_->setMinimumHeight(tableHeightForRows(table_, 4));
    table_->setSortingEnabled(true);  // click a header to sort the runs
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setSelectionMode(QAbstractItemView::SingleSelection);
    table_->setToolTip(tr("SC: spectral convergence 20 log10(|| |STFT(y)| - V || / ||V||), lower is better.\n"
                          "Incons.: ||X - G(X)||² / ||X||² of the last spectrogram estimate.\n"
                          "SNR: waveform SNR against the original signal (phase errors lower it even when SC is good)."));

    auto* buttons = new QHBoxLayout;
    buttons->addWidget(play_);
    buttons->addWidget(show_);
    buttons->addWidget(compare_);
    buttons->addWidget(export_);
    buttons->addStretch(1);
    auto* runsBox = new QWidget(this);
    auto* runsLayout = new QVBoxLayout(runsBox);
    runsLayout->setContentsMargins(0, 0, 0, 0);
    runsLayout->addWidget(new QLabel(tr("<b>Runs</b>"), runsBox));
    runsLayout->addWidget(table_, 1);
    runsLayout->addLayout(buttons);

    auto* splitter = new QSplitter(Qt::Vertical, this);
    splitter->setChildrenCollapsible(false);  // the panel scrolls instead of squashing the chart or the runs
    splitter->addWidget(run_);
    splitter->addWidget(runsBox);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(splitter);

    rebuildRunner();
    connect(stft_, &StftChooser::changed, this, &RecoveryPanel::rebuildRunner);
    connect(run_, &RunPanel::runFinished, this, [this](const RunOutcome& o) {
        addRun(*std::any_cast<std::shared_ptr<RecoveryRun>>(o.payload));
    });
    connect(table_, &QTableWidget::itemSelectionChanged, this, &RecoveryPanel::updateButtons);
    connect(play_, &QPushButton::clicked, this, [this] {
        const int i = selectedRun();
        if (i >= 0) emit listenRequested(runs_[std::size_t(i)].audio, runs_[std::size_t(i)].label);
    });
    show_->setToolTip(tr("Show the rebuilt signal in the spectrogram and phase panes"));
    connect(show_, &QPushButton::clicked, this, [this] {
        const int i = selectedRun();
        if (i >= 0) emit viewRequested(runs_[std::size_t(i)].audio, runs_[std::size_t(i)].label);
    });
    connect(compare_, &QPushButton::clicked, this, [this] {
        const int i = selectedRun();
        if (i >= 0) emit compareRequested(runs_[std::size_t(i)].audio, runs_[std::size_t(i)].label);
    });
    connect(export_, &QPushButton::clicked, this, [this] {
        const int i = selectedRun();
        if (i < 0) return;
        const QString path = askExportPath(this, tr("Export run"), runs_[std::size_t(i)].label + ".wav",
                                                          tr("Audio (*.wav *.flac)"));
        if (path.isEmpty()) return;
        try {
            exportRun(i, path);
        } catch (const std::exception& e) {
            QMessageBox::warning(this, tr("Export failed"), QString::fromStdString(e.what()));
        }
    });
    updateButtons();
}

void RecoveryPanel::rebuildRunner() {
    // The runner executes on a worker thread: it captures copies made here, on the GUI thread.
    const std::shared_ptr<const Audio> source = source_;
    const StftConfig config = stftConfig();
    run_->setRunner([source, config](const AlgorithmDescription& d, const ParamValues& values, const RunControl& control) -> RunOutcome {
        if (!source) throw InputError("no signal loaded");
        // Channel by channel, each from its own magnitude (as `phaselab-cli recover`).
        const int C = source->channels();
        recovery::ChannelsRecovery rebuilt = recovery::runRecoveryPerChannel(d, values, source->data, config, source->sampleRate, control);
        RecoveryRun run;
        run.algorithmId = QString::fromStdString(d.id);
        run.parameters = values;
        run.config = config;
        run.result = rebuilt.figures;
        run.snrDb = metrics::snrDb(source->data.cast<double>(), rebuilt.signal.cast<double>());
        run.input = source;
        run.audio = std::make_shared<Audio>(Audio{source->sampleRate, std::move(rebuilt.signal)});
        RunOutcome out;
        out.title = QString::fromStdString(d.name);
        out.summary = QObject::tr("%1: %2 in %3 s, spectral convergence %4 dB, SNR %5 dB%6")
                          .arg(QString::fromStdString(d.name))
                          .arg(iterationsText(d, run.result.iterations))
                          .arg(run.result.seconds, 0, 'f', 2)
                          .arg(run.result.spectralConvergenceDb, 0, 'f', 2)
                          .arg(run.snrDb, 0, 'f', 2)
                          .arg(C > 1 ? QObject::tr(" (%1 channels, recovered channel by channel; figures over all)").arg(C) : QString());
        out.payload = std::make_shared<RecoveryRun>(std::move(run));
        return out;
    });
}

void RecoveryPanel::setSource(std::shared_ptr<const Audio> audio, const QString& name) {
    if (audio != source_ && run_->isRunning()) run_->cancel();
    source_ = std::move(audio);
    sourceName_ = name;
    rebuildRunner();
    run_->setBlockedReason(source_ ? QString() : tr("Open an audio file first."));
}

StftConfig RecoveryPanel::stftConfig() const { return stft_->config(); }

void RecoveryPanel::setStftConfig(const StftConfig& config) { stft_->setConfig(config); }

int RecoveryPanel::selectedRun() const { return selectedRunIndex(table_); }

void RecoveryPanel::exportRun(int index, const QString& path) const {
    if (index < 0 || index >= int(runs_.size())) throw InputError("no such run");
    writeAudio(path.toStdString(), *runs_[std::size_t(index)].audio, SampleFormat::Float32);
}

void RecoveryPanel::addRun(RecoveryRun run) {
    if (run.input != source_) return;  // finished after another signal was opened
    const int row = int(runs_.size());
    run.label = QString("%1 · %2").arg(row + 1).arg(run_->currentAlgorithm() ? QString::fromStdString(run_->currentAlgorithm()->name) : run.algorithmId);
    runs_.push_back(std::move(run));
    appendRow(runs_.back());
    updateButtons();
    emit runAdded(row);
}

void RecoveryPanel::setRuns(std::vector<RecoveryRun> runs) {
    table_->setRowCount(0);
    runs_.clear();
    for (RecoveryRun& r : runs) {
        runs_.push_back(std::move(r));
        appendRow(runs_.back());
    }
    updateButtons();
}

void RecoveryPanel::appendRow(const RecoveryRun& r) {
    const int row = int(runs_.size()) - 1;
    QList<QTableWidgetItem*> cells{numberCell(row + 1, 0),
                                   textCell(r.label.section(" · ", 1) + "  (" + QString::fromStdString(r.config.describe()) + ")"),
                                   numberCell(r.result.iterations, 0), numberCell(r.result.seconds, 2),
                                   numberCell(r.result.spectralConvergenceDb, 2), numberCell(r.result.inconsistency, 5),
                                   numberCell(r.snrDb, 2)};
    appendRunRow(table_, row, cells);
}

void RecoveryPanel::updateButtons() {
    const bool any = selectedRun() >= 0;
    play_->setEnabled(any);
    show_->setEnabled(any);
    compare_->setEnabled(any);
    export_->setEnabled(any);
}

}  // namespace phaselab
