#include "widgets/separation_panel.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QCheckBox>
#include <QComboBox>
#include <QValueAxis>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>
#include <chrono>
#include <functional>
#include <set>

#include "core/common/error.h"
#include "core/metrics/bss_eval.h"
#include "core/metrics/si_sdr.h"
#include "core/separation/magnitudes.h"
#include "core/separation/multichannel_wiener.h"
#include "core/separation/pipeline.h"
#include "core/separation/registry.h"
#include "widgets/metrics_panel.h"
#include "widgets/run_panel.h"
#include "widgets/colormap.h"
#include "widgets/run_table.h"
#include "widgets/spectrogram_image.h"
#include "widgets/stft_chooser.h"
#include "core/io/output_policy.h"
#include "widgets/export_file.h"

namespace phaselab {
namespace {

std::vector<const AlgorithmDescription*> descriptions() {
    std::vector<const AlgorithmDescription*> d;
    for (const auto& m : separation::separationMethods()) d.push_back(m.description);
    d.push_back(&separation::mcWienerDescription());  // separates the channels jointly
    return d;
}

}  // namespace

SeparationPanel::SeparationPanel(QWidget* parent)
    : QWidget(parent),
      run_(new RunPanel(descriptions(), this)),
      magnitudes_(new QComboBox(this)),
      importStems_(new QPushButton(tr("Import stems…"), this)),
      downmix_(new QCheckBox(tr("Separate the mono downmix"), this)),
      stft_(new StftChooser(this)),
      inputs_(new QLabel(this)),
      table_(new QTableWidget(0, 10, this)),
      source_(new QComboBox(this)),
      play_(new QPushButton(tr("Play"), this)),
      show_(new QPushButton(tr("Show"), this)),
      compare_(new QPushButton(tr("A/B with reference"), this)),
      export_(new QPushButton(tr("Export sources…"), this)),
      inconsistency_(new QPushButton(tr("Inconsistency map"), this)),
      metrics_(new MetricsPanel(this)),
      bars_(new QChartView(this)),
      barMetric_(new QComboBox(this)),
      barsBox_(new QWidget(this)),
      pairingBox_(new QWidget(this)) {
    magnitudes_->addItem(tr("Oracle (true sources)"), "oracle");
    magnitudes_->addItem(tr("Supervised NMF (trained on the references)"), "nmf");
    magnitudes_->addItem(tr("HPSS (harmonic / percussive, blind)"), "hpss");
    magnitudes_->addItem(tr("Imported stems"), "files");
    magnitudes_->setToolTip(tr("Where the source magnitudes V_j come from. The algorithm then recovers the phases."));
    inputs_->setObjectName("separationInputs");
    inputs_->setWordWrap(true);
    inputs_->setStyleSheet("color: palette(mid);");

    auto* magRow = new QHBoxLayout;
    magRow->addWidget(new QLabel(tr("Magnitudes"), this));
    magRow->addWidget(magnitudes_, 1);
    magRow->addWidget(importStems_);
    downmix_->setToolTip(tr("A stereo or multichannel mixture is separated channel by channel into images (the method applied "
                            "to each channel with that channel's magnitudes, scored with bss_eval_images); tick to separate "
                            "its mono downmix instead (phaselab-cli separate --mono)."));
    downmix_->hide();
    run_->extraLayout()->addWidget(inputs_);
    run_->extraLayout()->addWidget(downmix_);
    run_->extraLayout()->addLayout(magRow);
    run_->extraLayout()->addWidget(stft_);
    run_->setConvergenceFigures({{"spectral_convergence_db", tr("Spectral convergence (dB)")},
                                 {"objective", tr("Objective")},
                                 {"neg_log_likelihood", tr("−log-likelihood of the mixture")},
                                 {"mixing_error", tr("Mixing error")},
                                 {"relative_residual", tr("PCG relative residual")},
                                 {"inconsistency", tr("Inconsistency")}});
    run_->selectAlgorithm("misi");

    table_->setHorizontalHeaderLabels({tr("#"), tr("Method (parameters)"), tr("Magnitudes"), tr("Time (s)"), tr("SDR"), tr("SIR"),
                                       tr("SAR"), tr("SI-SDR"), tr("ISR"), tr("SDR per source (dB)")});
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table_->horizontalHeader()->setSectionResizeMode(1, QHeaderView::Interactive);  // elided; full text in its tooltip
    table_->horizontalHeader()->resizeSection(1, 240);
    table_->setWordWrap(false);
    table_->setMinimumHeight(tableHeightForRows(table_, 4));
    table_->setTextElideMode(Qt::ElideRight);
    table_->verticalHeader()->hide();
    table_->setSortingEnabled(true);  // click a header to sort the runs
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setSelectionMode(QAbstractItemView::SingleSelection);
    table_->setToolTip(tr("Means over sources of SDR / SIR / SAR (BSS Eval v3, as mir_eval) and SI-SDR against the references, "
                          "in dB, and ISR for the multichannel images of a stereo mixture (bss_eval_images); click a header "
                          "to sort. Select a run for its per-source figures and the SDR over time."));

    // Two rows, so the panel fits a narrow dock.
    auto* buttons = new QVBoxLayout;
    auto* sourceRow = new QHBoxLayout;
    sourceRow->addWidget(new QLabel(tr("Source"), this));
    sourceRow->addWidget(source_, 1);
    sourceRow->addWidget(play_);
    sourceRow->addWidget(show_);
    auto* actionRow = new QHBoxLayout;
    actionRow->addWidget(compare_);
    actionRow->addWidget(export_);
    actionRow->addWidget(inconsistency_);
    actionRow->addStretch(1);
    buttons->addLayout(sourceRow);
    buttons->addLayout(actionRow);
    auto* runsBox = new QWidget(this);
    auto* runsLayout = new QVBoxLayout(runsBox);
    runsLayout->setContentsMargins(0, 0, 0, 0);
    runsLayout->addWidget(new QLabel(tr("<b>Runs</b>"), runsBox));
    runsLayout->addWidget(table_, 1);
    runsLayout->addLayout(buttons);
    auto* pairingLayout = new QHBoxLayout(pairingBox_);
    pairingLayout->setContentsMargins(0, 0, 0, 0);
    pairingBox_->setToolTip(tr("This run has another number of estimates than there are references: each estimate is measured "
                               "against the reference chosen here"));
    pairingBox_->hide();
    runsLayout->addWidget(pairingBox_);
    auto* barsLayout = new QVBoxLayout(barsBox_);
    barsLayout->setContentsMargins(0, 0, 0, 0);
    auto* barRow = new QHBoxLayout;
    barRow->addWidget(new QLabel(tr("Chart"), barsBox_));
    barRow->addWidget(barMetric_);
    barRow->addStretch(1);
    barsLayout->addLayout(barRow);
    barsLayout->addWidget(bars_, 1);
    runsLayout->addWidget(barsBox_, 1);
    runsLayout->addWidget(metrics_, 2);
    for (auto [id, label] : {std::pair{"sdr", "SDR"}, {"sir", "SIR"}, {"sar", "SAR"}, {"si-sdr", "SI-SDR"}, {"isr", "ISR"}})
        barMetric_->addItem(tr(label), QString(id));
    barMetric_->setToolTip(tr("The figure charted for every source, run by run (BSS Eval v3 against the references; SI-SDR)"));
    connect(barMetric_, &QComboBox::currentIndexChanged, this, [this] { updateFigureViews(); });
    bars_->setMinimumHeight(200);
    bars_->setRenderHint(QPainter::Antialiasing);
    barsBox_->hide();

    auto* splitter = new QSplitter(Qt::Vertical, this);
    splitter->setChildrenCollapsible(false);  // the panel scrolls instead of squashing the chart or the runs
    splitter->addWidget(run_);
    splitter->addWidget(runsBox);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(splitter);

    connect(magnitudes_, &QComboBox::currentIndexChanged, this, &SeparationPanel::updateState);
    connect(stft_, &StftChooser::changed, this, &SeparationPanel::rebuildRunner);
    connect(downmix_, &QCheckBox::toggled, this, &SeparationPanel::updateState);
    connect(run_, &RunPanel::algorithmChanged, this, &SeparationPanel::updateState);
    connect(run_, &RunPanel::runFinished, this, [this](const RunOutcome& o) {
        addRun(*std::any_cast<std::shared_ptr<SeparationRun>>(o.payload));
    });
    connect(table_, &QTableWidget::itemSelectionChanged, this, [this] { showRun(selectedRun()); });
    connect(importStems_, &QPushButton::clicked, this, [this] {
        const QStringList files = QFileDialog::getOpenFileNames(this, tr("Import stems (one file per source)"), QString(),
                                                                tr("Audio (*.wav *.flac *.ogg *.aiff *.aif)"));
        if (files.isEmpty()) return;
        try {
            std::vector<std::shared_ptr<const Audio>> stems;
            QStringList names;
            for (const QString& f : files) {
                stems.push_back(std::make_shared<Audio>(readAudio(f.toStdString())));
                names << QFileInfo(f).completeBaseName();
            }
            setImportedStems(std::move(stems), names);
            setMagnitudeSource("files");
        } catch (const std::exception& e) {
            QMessageBox::warning(this, tr("Cannot import stems"), QString::fromStdString(e.what()));
        }
    });
    connect(play_, &QPushButton::clicked, this, [this] {
        const int r = selectedRun(), s = source_->currentIndex();
        if (r >= 0 && s >= 0) emit listenRequested(runs_[std::size_t(r)].sources[std::size_t(s)], runs_[std::size_t(r)].label + " · " + source_->currentText());
    });
    show_->setToolTip(tr("Show this source in the spectrogram and phase panes"));
    connect(show_, &QPushButton::clicked, this, [this] {
        const int r = selectedRun(), s = source_->currentIndex();
        if (r >= 0 && s >= 0) emit viewRequested(runs_[std::size_t(r)].sources[std::size_t(s)], runs_[std::size_t(r)].label + " · " + source_->currentText());
    });
    inconsistency_->setToolTip(tr("|S − G(S)| of the selected source's estimated spectrogram before synthesis: where it is not "
                                  "the STFT of any signal (masks leave it inconsistent; MISI and CW reduce this)."));
    connect(inconsistency_, &QPushButton::clicked, this, [this] {
        const int r = selectedRun(), s = source_->currentIndex();
        if (r < 0 || s < 0) return;
        auto* window = new QLabel(this, Qt::Window);  // its own window, closed with the panel at the latest
        window->setAttribute(Qt::WA_DeleteOnClose);
        window->setWindowTitle(tr("Inconsistency map — %1").arg(runs_[std::size_t(r)].label + " · " + source_->currentText()));
        window->setPixmap(QPixmap::fromImage(inconsistencyImage(r, s)));
        window->show();
    });
    connect(compare_, &QPushButton::clicked, this, [this] {
        const int r = selectedRun(), s = source_->currentIndex();
        if (r >= 0 && s >= 0 && s < int(references_.size()))
            emit compareRequested(runs_[std::size_t(r)].sources[std::size_t(s)], references_[std::size_t(s)],
                                  runs_[std::size_t(r)].label + " · " + source_->currentText());
    });
    connect(export_, &QPushButton::clicked, this, [this] {
        const int r = selectedRun();
        if (r < 0) return;
        const QString folder = QFileDialog::getExistingDirectory(this, tr("Export the sources into"));
        if (folder.isEmpty()) return;
        try {
            const QStringList written = exportRun(r, folder);
            QMessageBox::information(this, tr("Exported"), tr("Wrote %1").arg(written.join(", ")));
        } catch (const std::exception& e) {
            QMessageBox::warning(this, tr("Export failed"), QString::fromStdString(e.what()));
        }
    });
    updateState();
}

void SeparationPanel::setInputs(std::shared_ptr<const Audio> mixture, const QString& mixtureName,
                                std::vector<std::shared_ptr<const Audio>> references, const QStringList& referenceNames) {
    if (mixture)
        for (std::size_t j = 0; j < references.size(); ++j) {
            const QString name = j < std::size_t(referenceNames.size()) ? referenceNames[int(j)] : QString::number(j + 1);
            if (references[j]->sampleRate != mixture->sampleRate)
                throw InputError("reference '" + name.toStdString() + "' has another sample rate than the mixture");
            if (references[j]->frames() != mixture->frames())
                throw InputError("reference '" + name.toStdString() + "' has " + std::to_string(references[j]->frames()) +
                                 " samples, the mixture " + std::to_string(mixture->frames()));
            if (references[j]->channels() != 1 && references[j]->channels() != mixture->channels())
                throw InputError("reference '" + name.toStdString() + "' has " + std::to_string(references[j]->channels()) +
                                 " channels, the mixture " + std::to_string(mixture->channels()));
        }
    if (mixture != mixture_ && run_->isRunning()) run_->cancel();
    mixture_ = std::move(mixture);
    mixtureName_ = mixtureName;
    references_ = mixture_ ? std::move(references) : std::vector<std::shared_ptr<const Audio>>{};
    referenceNames_ = referenceNames;
    updateState();
}

void SeparationPanel::setImportedStems(std::vector<std::shared_ptr<const Audio>> stems, const QStringList& names) {
    stems_ = std::move(stems);
    stemNames_ = names;
    updateState();
}

void SeparationPanel::setMagnitudeSource(const QString& id) {
    const int i = magnitudes_->findData(id);
    if (i >= 0) magnitudes_->setCurrentIndex(i);
}

QString SeparationPanel::magnitudeSource() const { return magnitudes_->currentData().toString(); }

void SeparationPanel::setSeparateDownmix(bool on) { downmix_->setChecked(on); }

bool SeparationPanel::separatesDownmix() const { return downmix_->isChecked(); }

StftConfig SeparationPanel::stftConfig() const { return stft_->config(); }

void SeparationPanel::setStftConfig(const StftConfig& config) { stft_->setConfig(config); }

bool SeparationPanel::jointMethod() const {
    const AlgorithmDescription* d = run_->currentAlgorithm();
    return d && d->id == separation::mcWienerDescription().id;
}

void SeparationPanel::updateState() {
    const QString mags = magnitudeSource();
    QString blocked;
    if (!mixture_) blocked = tr("Open a mixture first.");
    else if ((mags == "oracle" || mags == "nmf") && references_.size() < 1)
        blocked = tr("Oracle and NMF magnitudes need the true sources: open a file with its stems (e.g. Help ▸ Open demo).");
    else if (mags == "files" && stems_.empty()) blocked = tr("Import the stems of another separator first.");
    run_->setBlockedReason(blocked);
    importStems_->setVisible(mags == "files");
    downmix_->setVisible(mixture_ && mixture_->channels() > 1);
    const int channels = mixture_ ? mixture_->channels() : 0;
    const QString handling = channels < 2            ? QString()
                             : downmix_->isChecked() ? tr(" (%1 channels, separated as their mono downmix)").arg(channels)
                             : jointMethod()         ? tr(" (%1 channels, separated jointly)").arg(channels)
                                                     : tr(" (%1 channels, separated channel by channel)").arg(channels);
    if (mixture_)
        inputs_->setText(tr("Mixture: %1 · %2 reference(s)%3")
                             .arg(mixtureName_ + handling)
                             .arg(references_.size())
                             .arg(references_.empty() ? QString() : " (" + referenceNames_.join(", ") + ")"));
    else
        inputs_->setText(tr("No mixture loaded."));
    rebuildRunner();
}

void SeparationPanel::rebuildRunner() {
    // Executed on a worker thread: everything it reads is captured here, on the GUI thread.
    const auto mixture = mixture_;
    const auto references = references_;
    const auto stems = stems_;
    const QStringList referenceNames = referenceNames_, stemNames = stemNames_;
    const QString mags = magnitudeSource();
    const StftConfig config = stftConfig();
    const bool downmix = downmix_->isChecked();
    run_->setRunner([=](const AlgorithmDescription& d, const ParamValues& values, const RunControl& control) -> RunOutcome {
        const auto start = std::chrono::steady_clock::now();
        if (!mixture) throw InputError("no mixture loaded");
        const bool joint = d.id == separation::mcWienerDescription().id;
        const separation::SeparationMethod* method = joint ? nullptr : separation::findSeparationMethod(d.id);
        if (!method && !joint) throw InputError("unknown separation method '" + d.id + "'");
        // Each channel on its own (the method applied per channel, with that channel's magnitudes),
        // as `phaselab-cli separate` does, or the mono downmix when asked; mc-wiener: every channel at once.
        const int C = downmix ? 1 : mixture->channels();
        std::vector<Audio> images;
        separation::SeparationResult result;
        if (joint) {
            std::vector<Eigen::ArrayXXf> sources;  // the magnitudes' signals: references (oracle, NMF training) or stems
            if (mags != "hpss")
                for (const auto& a : mags == "files" ? stems : references) sources.push_back(a->withChannels(C));
            for (auto& image : separation::multichannelWienerImages(mixture->withChannels(C), separation::magnitudeSourceFromName(mags.toStdString()),
                                                                    sources, config, separation::mcWienerParamsFrom(values), {}, control, 2,
                                                                    &result.stfts))
                images.push_back(Audio{mixture->sampleRate, std::move(image)});
        }
        if (!joint) {
            separation::PipelineInput settings;
            settings.magnitudes = separation::magnitudeSourceFromName(mags.toStdString());
            settings.config = config;
            settings.threads = 2;
            std::vector<const Audio*> refPointers, stemPointers;
            for (const auto& a : references) refPointers.push_back(a.get());
            for (const auto& a : stems) stemPointers.push_back(a.get());
            separation::ChannelsSeparation separated =
                separation::separateChannels(*method, values, settings, *mixture, refPointers, stemPointers, C == 1, control);
            for (auto& image : separated.images) images.push_back(Audio{mixture->sampleRate, std::move(image)});
            result = std::move(separated.firstChannel);
        }
        QStringList names = mags == "hpss" ? QStringList{"harmonic", "percussive"} : mags == "files" ? stemNames : referenceNames;
        if (method && !method->usesMagnitudes) names = {"harmonic", "percussive"};
        while (names.size() < int(images.size())) names << QString("source %1").arg(names.size() + 1);

        auto run = std::make_shared<SeparationRun>();
        run->methodId = QString::fromStdString(d.id);
        run->mixture = mixture;
        run->parameters = values;
        run->magnitudes = !method || method->usesMagnitudes ? mags : QString("mixture");
        run->config = config;
        run->channelHandling = C > 1 ? (joint ? "joint" : "per-channel") : mixture->channels() > 1 ? "mono-downmix" : "";
        run->sourceNames = names.mid(0, int(images.size()));
        run->trace = result.trace;
        for (auto& S : result.stfts) run->stfts.push_back(std::make_shared<const Spectrogram>(std::move(S)));
        for (auto& a : images) run->sources.push_back(std::make_shared<Audio>(std::move(a)));
        if (!references.empty() && references.size() == run->sources.size()) {
            // bss_eval_sources on mono estimates, bss_eval_images (with ISR) on multichannel images.
            std::vector<metrics::Signal> refs, ests;
            for (const auto& r : references) refs.push_back(r->withChannels(C).cast<double>());
            for (const auto& e : run->sources) ests.push_back(e->data.cast<double>());
            metrics::BssParams bp;
            bp.permutation = false;
            try {
                const metrics::BssResult m = C == 1 ? metrics::bssEvalSources(refs, ests, bp, control)
                                                    : metrics::bssEvalImages(refs, ests, bp, control);
                for (Eigen::Index j = 0; j < m.sdr.size(); ++j) {
                    run->sdr.push_back(m.sdr[j]);
                    run->sir.push_back(m.sir[j]);
                    run->sar.push_back(m.sar[j]);
                    if (C > 1) run->isr.push_back(m.isr[j]);
                    run->siSdr.push_back(metrics::siSdr(refs[std::size_t(j)], ests[std::size_t(j)]));
                }
            } catch (const InputError&) {
                // a silent estimate: no figures for this run, the sources are still usable
            }
        }
        run->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        RunOutcome out;
        out.title = QString::fromStdString(d.name);
        QString sdr;
        for (double v : run->sdr) sdr += (sdr.isEmpty() ? "" : " / ") + QString::number(v, 'f', 2);
        const QString channelNote = C > 1 && joint                   ? QObject::tr(", %1 channels jointly").arg(C)
                                    : C > 1                          ? QObject::tr(", %1 channels one by one (chart: channel 1)").arg(C)
                                    : run->channelHandling.isEmpty() ? QString()
                                                                     : QObject::tr(", mono downmix");
        out.summary = QObject::tr("%1 on %2 magnitudes%3: %4 s%5")
                          .arg(QString::fromStdString(d.name), run->magnitudes, channelNote)
                          .arg(run->seconds, 0, 'f', 2)
                          .arg(sdr.isEmpty() ? QString() : ", SDR " + sdr + " dB");
        out.payload = run;
        return out;
    });
}

int SeparationPanel::selectedRun() const { return selectedRunIndex(table_); }

QStringList SeparationPanel::exportRun(int index, const QString& folder) const {
    if (index < 0 || index >= int(runs_.size())) throw InputError("no such run");
    const SeparationRun& r = runs_[std::size_t(index)];
    OutputPolicy policy(false);
    for (const QString& p : protectedInputs(this)) policy.addInput(p.toStdString());
    std::vector<std::string> names;
    for (int j = 0; j < int(r.sources.size()); ++j) names.push_back(r.sourceNames.value(j, QString("source-%1").arg(j + 1)).toStdString());
    QStringList paths;
    for (const std::string& name : uniqueFileNames(names)) {
        const std::string path = policy.inside(folder.toStdString(), name + ".wav");
        if (const std::string problem = policy.problem(path, "an estimated source"); !problem.empty())
            throw InputError(problem + (problem.find("exists already") != std::string::npos ? " (choose an empty folder)" : ""));
        paths << QString::fromStdString(path);
    }
    for (int j = 0; j < int(r.sources.size()); ++j) writeAudio(paths[j].toStdString(), *r.sources[std::size_t(j)], SampleFormat::Float32);
    return paths;
}

QImage SeparationPanel::inconsistencyImage(int index, int source, QSize size) const {
    if (index < 0 || index >= int(runs_.size())) return {};
    const SeparationRun& r = runs_[std::size_t(index)];
    if (source < 0 || source >= int(r.stfts.size()) || !mixture_) return {};
    Stft stft(r.config);
    const Spectrogram& S = *r.stfts[std::size_t(source)];
    const Inconsistency total = inconsistency(stft, S, mixture_->frames());
    const Magnitudes levels = magnitudeDb(inconsistencyMap(stft, S, mixture_->frames()) / stft.fullScaleMagnitude());
    SpectrogramStyle style;
    style.axis = FrequencyAxis{FrequencyScale::Log, 0, mixture_->sampleRate / 2};
    style.colormap = ColormapId::Magma;
    style.topDb = std::ceil(std::max(levels.maxCoeff(), -40.0f) / 5.0f) * 5.0f;  // a consistent estimate shows dark
    style.rangeDb = 80;
    const QString title = tr("|S − G(S)|, %1 · %2 — relative inconsistency %3 (%4 dB)")
                              .arg(r.label, r.sourceNames.value(source))
                              .arg(total.relative, 0, 'g', 3)
                              .arg(10 * std::log10(std::max(total.relative, 1e-30)), 0, 'f', 1);
    return renderLabelledSpectrogram(levels, mixture_->sampleRate / r.config.fft(), r.config.hop / mixture_->sampleRate, style, size, title);
}

void SeparationPanel::addRun(SeparationRun run) {
    if (run.mixture != mixture_) return;  // finished after another mixture was opened
    const int row = int(runs_.size());
    const AlgorithmDescription* d = run_->currentAlgorithm();
    run.label = QString("%1 · %2").arg(row + 1).arg(d ? QString::fromStdString(d->name) : run.methodId);
    runs_.push_back(std::move(run));
    appendRow(runs_.back());
    updateFigureViews();  // also fills the per-source column
    emit runAdded(row);
}

void SeparationPanel::setRuns(std::vector<SeparationRun> runs) {
    table_->setRowCount(0);
    runs_.clear();
    for (SeparationRun& r : runs) {
        runs_.push_back(std::move(r));
        appendRow(runs_.back());
    }
    updateFigureViews();
    updateState();
}

void SeparationPanel::appendRow(const SeparationRun& run) {
    const int row = int(runs_.size()) - 1;
    auto mean = [](const std::vector<double>& v) {
        if (v.empty()) return double(NAN);
        double m = 0;
        for (double x : v) m += x / double(v.size());
        return m;
    };
    QString params;
    for (const auto& [id, value] : run.parameters)
        params += (params.isEmpty() ? "" : ", ") + QString::fromStdString(id) + " " +
                  (std::holds_alternative<double>(value) ? QString::number(std::get<double>(value), 'g', 4)
                                                         : QString::fromStdString(std::get<std::string>(value)));
    auto* method = textCell(run.label.section(" · ", 1) + (params.isEmpty() ? QString() : "  (" + params + ")"));
    method->setToolTip(method->text() + "\n" + QString::fromStdString(run.config.describe()));
    QList<QTableWidgetItem*> cells{numberCell(row + 1, 0), method, textCell(run.magnitudes), numberCell(run.seconds, 2),
                                   numberCell(mean(run.sdr), 2), numberCell(mean(run.sir), 2), numberCell(mean(run.sar), 2),
                                   numberCell(mean(run.siSdr), 2), numberCell(mean(run.isr), 2), textCell(QString())};
    appendRunRow(table_, row, cells);
}

namespace {
constexpr int kPerSourceColumn = 9;  // the charted figure per source, as text

const std::vector<double>& figure(const SeparationRun& r, const QString& id) {
    return id == "sir" ? r.sir : id == "sar" ? r.sar : id == "si-sdr" ? r.siSdr : id == "isr" ? r.isr : r.sdr;
}
}  // namespace

void SeparationPanel::setBarMetric(const QString& id) {
    const int i = barMetric_->findData(id);
    if (i < 0) throw InputError("unknown figure for the bar chart: " + id.toStdString());
    barMetric_->setCurrentIndex(i);
}

QString SeparationPanel::barMetric() const { return barMetric_->currentData().toString(); }

std::vector<std::vector<double>> SeparationPanel::barValues() const {
    std::vector<std::vector<double>> values;
    auto* series = bars_->chart()->series().isEmpty() ? nullptr : qobject_cast<QBarSeries*>(bars_->chart()->series().first());
    if (!series) return values;
    for (const QBarSet* set : series->barSets()) {
        values.emplace_back();
        for (int i = 0; i < set->count(); ++i) values.back().push_back(set->at(i));
    }
    return values;
}

void SeparationPanel::updateFigureViews() {
    // Grouped bars: one group per run, one bar per source (runs without metrics are left out); the
    // table's per-source column shows the same figure.
    const QString metric = barMetric(), label = barMetric_->currentText();
    auto* chart = new QChart;
    auto* series = new QBarSeries;
    QStringList runs;
    QStringList sources;
    for (const auto& r : runs_)
        if (!r.sdr.empty() && sources.isEmpty()) sources = r.sourceNames;
    std::vector<QBarSet*> sets;
    for (const QString& name : sources) {
        sets.push_back(new QBarSet(name));
        sets.back()->setColor(sourceColour(int(sets.size()) - 1));
        sets.back()->setBorderColor(sourceColour(int(sets.size()) - 1).darker(130));
        series->append(sets.back());
    }
    double lo = 0, hi = 1;
    bool nonFinite = false;
    for (const auto& r : runs_) {
        const std::vector<double>& values = figure(r, metric);
        if (values.size() != std::size_t(sources.size())) continue;
        runs << r.label;
        for (std::size_t j = 0; j < values.size(); ++j) {
            nonFinite = nonFinite || !std::isfinite(values[j]);
            const double v = std::isfinite(values[j]) ? values[j] : 0.0;
            *sets[j] << v;
            lo = std::min(lo, v);
            hi = std::max(hi, v);
        }
    }
    barsBox_->setVisible(!runs.isEmpty());
    table_->horizontalHeaderItem(kPerSourceColumn)->setText(tr("%1 per source (dB)").arg(label));
    const bool sorting = table_->isSortingEnabled();
    table_->setSortingEnabled(false);  // rows must not move while they are rewritten
    for (int row = 0; row < table_->rowCount(); ++row) {
        const SeparationRun& r = runs_[std::size_t(table_->item(row, 0)->data(Qt::UserRole).toInt())];
        QString text;
        for (double v : figure(r, metric)) text += (text.isEmpty() ? "" : " / ") + QString::number(v, 'f', 2);
        table_->item(row, kPerSourceColumn)->setText(text.isEmpty() ? tr("—") : text + "  (" + r.sourceNames.join(" / ") + ")");
    }
    table_->setSortingEnabled(sorting);
    chart->addSeries(series);
    auto* x = new QBarCategoryAxis;
    x->append(runs);
    auto* y = new QValueAxis;
    y->setRange(std::floor(lo / 5) * 5, std::ceil(hi / 5) * 5);
    y->setTitleText(tr("%1 (dB)").arg(label));
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(y, Qt::AlignLeft);
    series->attachAxis(x);
    series->attachAxis(y);
    chart->setTitle(tr("%1 per source and run").arg(label) + (nonFinite ? tr(" (infinite or undefined values drawn at 0)") : QString()));
    chart->legend()->setAlignment(Qt::AlignRight);
    chart->setMargins(QMargins(2, 2, 2, 2));
    QChart* old = bars_->chart();
    bars_->setChart(chart);
    delete old;
}

int SeparationPanel::barRunCount() const {
    const auto values = barValues();
    return values.empty() ? 0 : int(values.front().size());
}

namespace {

// For each estimate a distinct reference, maximising the summed |correlation| (every injective
// map is tried: at most 8 sources).
std::vector<int> bestPairing(const std::vector<std::shared_ptr<const Audio>>& estimates,
                             const std::vector<std::shared_ptr<const Audio>>& references) {
    const std::size_t E = estimates.size(), R = references.size();
    Eigen::ArrayXXd c(E, R);
    for (std::size_t e = 0; e < E; ++e) {
        const Eigen::ArrayXd x = estimates[e]->mono().cast<double>();
        for (std::size_t k = 0; k < R; ++k) {
            const Eigen::ArrayXd y = references[k]->mono().cast<double>();
            const Eigen::Index n = std::min(x.size(), y.size());
            const double d = std::sqrt(x.head(n).square().sum() * y.head(n).square().sum());
            c(Eigen::Index(e), Eigen::Index(k)) = d > 0 ? std::abs((x.head(n) * y.head(n)).sum()) / d : 0.0;
        }
    }
    std::vector<int> best(E), current(E);
    double bestScore = -1;
    std::vector<bool> used(R, false);
    std::function<void(std::size_t, double)> search = [&](std::size_t e, double score) {
        if (e == E) {
            if (score > bestScore) bestScore = score, best = current;
            return;
        }
        for (std::size_t k = 0; k < R; ++k)
            if (!used[k]) {
                used[k] = true;
                current[e] = int(k);
                search(e + 1, score + c(Eigen::Index(e), Eigen::Index(k)));
                used[k] = false;
            }
    };
    search(0, 0);
    return best;
}

}  // namespace

void SeparationPanel::showRun(int index) {
    source_->clear();
    const bool any = index >= 0;
    play_->setEnabled(any);
    show_->setEnabled(any);
    export_->setEnabled(any);
    inconsistency_->setEnabled(any && !runs_[std::size_t(index)].stfts.empty());
    compare_->setEnabled(any && !references_.empty());
    if (!any) {
        pairingBox_->hide();
        metrics_->clear();
        return;
    }
    const SeparationRun& r = runs_[std::size_t(index)];
    source_->addItems(r.sourceNames);
    // Pairing boxes when the counts differ: best-correlated distinct references first.
    auto* layout = qobject_cast<QHBoxLayout*>(pairingBox_->layout());
    while (QLayoutItem* item = layout->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    pairingBoxes_.clear();
    const bool paired = !references_.empty() && references_.size() != r.sources.size() && r.sources.size() <= references_.size();
    pairingBox_->setVisible(paired);
    if (paired) {
        layout->addWidget(new QLabel(tr("Pair:"), pairingBox_));
        const std::vector<int> best = bestPairing(r.sources, references_);
        for (std::size_t e = 0; e < r.sources.size(); ++e) {
            auto* box = new QComboBox(pairingBox_);
            for (const QString& name : referenceNames_) box->addItem(r.sourceNames.value(int(e)) + " → " + name);
            box->setCurrentIndex(best[e]);
            connect(box, &QComboBox::currentIndexChanged, this, [this] { showMetrics(selectedRun()); });
            layout->addWidget(box);
            pairingBoxes_ << box;
        }
        layout->addStretch(1);
    }
    showMetrics(index);
}

std::vector<int> SeparationPanel::pairing() const {
    std::vector<int> p;
    for (QComboBox* b : pairingBoxes_) p.push_back(b->currentIndex());
    return p;
}

void SeparationPanel::setPairing(const std::vector<int>& referenceOfEstimate) {
    for (int e = 0; e < int(pairingBoxes_.size()) && e < int(referenceOfEstimate.size()); ++e)
        pairingBoxes_[e]->setCurrentIndex(referenceOfEstimate[std::size_t(e)]);
}

void SeparationPanel::showMetrics(int index) {
    if (index < 0 || index >= int(runs_.size())) return;
    const SeparationRun& r = runs_[std::size_t(index)];
    metrics_->setNote({});
    if (references_.empty()) {
        metrics_->clear(tr("Load the true sources as references (open the demo, or a mixture with its stems) to measure this run."));
        return;
    }
    std::vector<Eigen::ArrayXXf> refs, ests;
    QStringList refNames;
    const int channels = r.sources.empty() ? 1 : r.sources[0]->channels();
    auto reference = [channels](const Audio& a) { return a.withChannels(channels); };
    if (references_.size() == r.sources.size()) {
        for (const auto& a : references_) refs.push_back(reference(*a));
        refNames = referenceNames_;
    } else if (r.sources.size() > references_.size()) {
        metrics_->clear(tr("%1 estimates but only %2 references: the metrics need a reference for every estimate.")
                            .arg(r.sources.size()).arg(references_.size()));
        return;
    } else {
        const std::vector<int> p = pairing();
        if (p.size() != r.sources.size() || std::set<int>(p.begin(), p.end()).size() != p.size()) {
            metrics_->clear(tr("%1 estimates, %2 references: pair each estimate with a different reference (above) to measure "
                               "this run.").arg(r.sources.size()).arg(references_.size()));
            return;
        }
        QStringList pairs;
        for (std::size_t e = 0; e < r.sources.size(); ++e) {
            refs.push_back(reference(*references_[std::size_t(p[e])]));
            refNames << referenceNames_.value(p[e]);
            pairs << r.sourceNames.value(int(e)) + " → " + referenceNames_.value(p[e]);
        }
        metrics_->setNote(tr("%1 estimates for %2 references: measured against the paired ones (%3)")
                              .arg(r.sources.size()).arg(references_.size()).arg(pairs.join(", ")));
    }
    for (const auto& a : r.sources) ests.push_back(a->data);
    metrics_->setPermutationSearch(false);
    metrics_->setSignals(refNames, refs, r.sourceNames, ests, mixture_->sampleRate);
}

}  // namespace phaselab
