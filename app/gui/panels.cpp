#include "app/gui/panels.h"

#include <QComboBox>
#include <QFileDialog>
#include <QMessageBox>
#include <QPushButton>
#include <QDockWidget>
#include <QHBoxLayout>
#include <QLabel>
#include <QScrollArea>
#include <QSplitter>
#include <QSpinBox>
#include <QShortcut>
#include <QVBoxLayout>

#include "app/gui/experiment_io.h"
#include "app/gui/main_window.h"
#include "widgets/audio_player.h"
#include "widgets/audio_view.h"
#include "widgets/listening_test_panel.h"
#include "widgets/live_panel.h"
#include "widgets/metrics_panel.h"
#include "widgets/phase_histogram_panel.h"
#include "widgets/phase_map_pane.h"
#include "widgets/recovery_panel.h"
#include "widgets/separation_panel.h"
#include "widgets/view_manager.h"
#include "widgets/export_file.h"
#include "widgets/run_panel.h"

namespace phaselab {
namespace {

// "window 2048 samples = 128 ms · 7.81 Hz per bin · hop 32 ms": what an STFT setting means.
struct StftInfo {
    QLabel* label = nullptr;
    double sampleRate = 0;
    StftConfig config;
    void setSampleRate(double sr) {
        sampleRate = sr;
        update();
    }
    void setConfig(const StftConfig& c) {
        config = c;
        update();
    }
    void update() {
        if (sampleRate <= 0) return label->setText(QString::fromStdString(config.describe()));
        label->setText(QObject::tr("STFT %1 · window %2 samples = %3 ms · %4 Hz per bin · hop %5 ms")
                           .arg(windowName(config.window))
                           .arg(config.windowLength)
                           .arg(config.windowLength / sampleRate * 1000, 0, 'f', 1)
                           .arg(sampleRate / config.fft(), 0, 'f', 2)
                           .arg(config.hop / sampleRate * 1000, 0, 'f', 1));
    }
};

// The phase pane joins the stacked panes (time-aligned with the spectrogram); its view chooser,
// explanation and read-out form a small panel.
QWidget* makePhaseViews(MainWindow* window, PhaseMapPane** paneOut, QSplitter** stackOut, StftInfo* info) {
    auto* box = new QWidget;
    auto* kind = new QComboBox(box);
    kind->setObjectName("phaseViewChooser");
    for (auto k : {PhaseMapPane::Kind::Centred, PhaseMapPane::Kind::Phase, PhaseMapPane::Kind::InstantaneousFrequency,
                   PhaseMapPane::Kind::GroupDelay, PhaseMapPane::Kind::Kappa, PhaseMapPane::Kind::Ipd, PhaseMapPane::Kind::Ild,
                   PhaseMapPane::Kind::Pan, PhaseMapPane::Kind::PanningMap})
        kind->addItem(PhaseMapPane::kindName(k), int(k));
    auto* note = new QLabel(PhaseMapPane::explanation(PhaseMapPane::Kind::Centred), box);
    note->setWordWrap(true);
    note->setStyleSheet("color: palette(mid);");
    auto* readout = new QLabel(box);
    auto* pane = new PhaseMapPane(window->audioView()->view());
    pane->setKind(PhaseMapPane::Kind::Centred);
    auto* stack = new QSplitter(Qt::Vertical);  // the stacked channel view adds a pane per further channel
    stack->setHandleWidth(3);
    stack->setChildrenCollapsible(false);
    stack->addWidget(pane);
    window->audioView()->addPane(stack, 3);
    *stackOut = stack;
    auto* top = new QHBoxLayout;
    top->addWidget(new QLabel(QObject::tr("Phase view"), box));
    top->addWidget(kind);
    top->addWidget(readout, 1);
    auto* layout = new QVBoxLayout(box);
    layout->addLayout(top);
    layout->addWidget(note);
    auto* kappaRow = new QHBoxLayout;
    auto* kBins = new QSpinBox(box);
    auto* kFrames = new QSpinBox(box);
    kBins->setRange(1, 129);
    kBins->setSingleStep(2);
    kBins->setValue(3);
    kBins->setSuffix(QObject::tr(" bins"));
    kFrames->setRange(1, 129);
    kFrames->setSingleStep(2);
    kFrames->setValue(5);
    kFrames->setSuffix(QObject::tr(" frames"));
    auto* range = new QSpinBox(box);
    range->setRange(10, 150);
    range->setValue(60);
    range->setSuffix(QObject::tr(" dB"));
    range->setToolTip(QObject::tr("Show the phase only where the level is within this range below full scale; elsewhere the "
                                  "phase is noise and is drawn grey"));
    QObject::connect(range, &QSpinBox::valueChanged, pane, [pane](int db) { pane->setRangeDb(float(db)); });
    kappaRow->addWidget(new QLabel(QObject::tr("Level range"), box));
    kappaRow->addWidget(range);
    kappaRow->addSpacing(12);
    kappaRow->addWidget(new QLabel(QObject::tr("Kappa neighbourhood"), box));
    kappaRow->addWidget(kBins);
    kappaRow->addWidget(kFrames);
    kappaRow->addStretch(1);
    layout->addLayout(kappaRow);
    auto applyKappa = [=] { pane->setKappaNeighbourhood(kBins->value() / 2, kFrames->value() / 2); };
    QObject::connect(kBins, &QSpinBox::valueChanged, box, applyKappa);
    QObject::connect(kFrames, &QSpinBox::valueChanged, box, applyKappa);
    auto* exportRow = new QHBoxLayout;
    auto* png = new QPushButton(QObject::tr("Export PNG…"), box);
    auto* csv = new QPushButton(QObject::tr("Export CSV…"), box);
    png->setToolTip(QObject::tr("The visible phase view as a labelled figure"));
    csv->setToolTip(QObject::tr("The visible phase view's values: one row per bin, one column per frame"));
    exportRow->addWidget(png);
    exportRow->addWidget(csv);
    exportRow->addStretch(1);
    layout->addLayout(exportRow);
    auto failed = [box](const QString& path) {
        QMessageBox::warning(box, QObject::tr("Export failed"), QObject::tr("Nothing to export yet, or %1 cannot be written.").arg(path));
    };
    QObject::connect(png, &QPushButton::clicked, box, [=] {
        const QString path = askExportPath(box, QObject::tr("Export the phase view"), "phase_view.png", QObject::tr("PNG image (*.png)"));
        if (!path.isEmpty() && !pane->exportPng(path)) failed(path);
    });
    QObject::connect(csv, &QPushButton::clicked, box, [=] {
        const QString path = askExportPath(box, QObject::tr("Export the phase view"), "phase_view.csv", QObject::tr("CSV (*.csv)"));
        if (!path.isEmpty() && !pane->exportCsv(path)) failed(path);
    });
    info->label = new QLabel(box);
    info->label->setToolTip(QObject::tr("The phase views use the spectrogram's STFT settings (Spectrogram panel)."));
    layout->addWidget(info->label);
    layout->addStretch(1);
    box->setToolTip(QObject::tr("The phase pane under the spectrogram shares its time range, cursor, selection and "
                                "frequency axis. Bins more than 60 dB below full scale are grey."));
    QObject::connect(kind, &QComboBox::currentIndexChanged, pane, [kind, pane, note] {
        const auto k = PhaseMapPane::Kind(kind->currentData().toInt());
        pane->setKind(k);
        note->setText(PhaseMapPane::explanation(k));
    });
    QObject::connect(pane, &PhaseMapPane::readout, readout, &QLabel::setText);
    *paneOut = pane;
    return box;
}

// Panels taller than the window scroll instead of forcing the window to grow.
QWidget* scrollable(QWidget* panel) {
    auto* scroll = new QScrollArea;
    scroll->setWidget(panel);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    return scroll;
}

}  // namespace

void installPanels(MainWindow* window) {
    Document* doc = window->document();
    PhaseMapPane* phasePane = nullptr;
    QSplitter* phaseStack = nullptr;
    auto stftInfo = std::make_shared<StftInfo>();
    QWidget* phaseViews = makePhaseViews(window, &phasePane, &phaseStack, stftInfo.get());
    auto* histograms = new PhaseHistogramPanel;
    auto* recovery = new RecoveryPanel;
    auto* separation = new SeparationPanel;

    QDockWidget* phaseDock = window->addPanel(phaseViews, QObject::tr("Phase view"), Qt::RightDockWidgetArea);
    QDockWidget* histogramDock = window->addPanel(scrollable(histograms), QObject::tr("Phase histogram"));
    window->addPanel(scrollable(recovery), QObject::tr("Phase recovery"), Qt::RightDockWidgetArea);
    window->addPanel(scrollable(separation), QObject::tr("Separation"), Qt::RightDockWidgetArea);
    auto* live = new LivePanel;
    window->addPanel(live, QObject::tr("Live"));  // beside the histograms: wide and low, its strips at full width
    // The separation panel's metrics get their own dock under the panes, on the shared time axis.
    MetricsPanel* metrics = separation->metricsPanel();
    window->addPanel(scrollable(metrics), QObject::tr("Metrics"));
    metrics->followView(window->audioView()->view());
    (void)phaseDock;
    histogramDock->raise();
    window->findChild<QDockWidget*>("dock_" + QObject::tr("Phase recovery"))->raise();
    // Default proportions (applied when the window is first shown at its final size, unless a
    // saved layout is restored): the bottom docks ~30 % of the height, the right panels ~38 % of
    // the width, so the panes keep most of the space at 1280x720 as at 1920x1080.
    QDockWidget* rightDock = window->findChild<QDockWidget*>("dock_" + QObject::tr("Phase recovery"));
    window->setDefaultDockProportions([=] {
        window->resizeDocks({histogramDock}, {int(window->height() * 0.30)}, Qt::Vertical);
        window->resizeDocks({rightDock}, {int(window->width() * 0.38)}, Qt::Horizontal);
    });

    // The document owns the runs: a finished run goes to it; a new document replaces the lists.
    QObject::connect(recovery, &RecoveryPanel::runAdded, doc, [=](int i) { doc->addRecoveryRun(recovery->runs()[std::size_t(i)]); });
    QObject::connect(separation, &SeparationPanel::runAdded, doc, [=](int i) { doc->addSeparationRun(separation->runs()[std::size_t(i)]); });
    QObject::connect(window, &MainWindow::cancelRequested, recovery, [=] {
        recovery->runPanel()->cancel();
        separation->runPanel()->cancel();
    });
    QObject::connect(doc, &Document::changed, window, [=] {
        setProtectedInputs(window, doc->inputPaths());
        const auto mixture = doc->mixture();
        recovery->setSource(mixture, doc->displayName());
        std::vector<std::shared_ptr<const Audio>> refs;
        QStringList names;
        for (const NamedAudio& r : doc->references()) {
            refs.push_back(r.audio);
            names << r.name;
        }
        try {
            separation->setInputs(mixture, doc->displayName(), refs, names);
        } catch (const std::exception&) {
            separation->setInputs(mixture, doc->displayName(), {}, {});
            refs.clear();
        }
        live->setSource(mixture, doc->displayName(), refs, names);
        recovery->setRuns(doc->recoveryRuns());
        separation->setRuns(doc->separationRuns());
        // Until a separation runs, the metrics show the baseline: the mixture as the estimate of
        // every source (the input SDR each method has to improve on).
        if (mixture && !refs.empty()) {
            std::vector<Eigen::ArrayXXf> r, e;
            QStringList estimateNames;
            for (const auto& a : refs) {  // the images of every channel, as the separations
                r.push_back(a->withChannels(mixture->channels()));
                e.push_back(mixture->data);
                estimateNames << QObject::tr("mixture");
            }
            metrics->setPermutationSearch(false);
            metrics->setSignals(names, r, estimateNames, e, mixture->sampleRate);
        } else {
            metrics->clear();
        }
    });
    // The phase pane and histogram show what the panes show (the mixture, or a run's signal) with
    // the spectrogram's STFT settings.
    AudioView* audioView = window->audioView();
    QObject::connect(audioView, &AudioView::audioChanged, window, [=](std::shared_ptr<const Audio> audio) {
        phasePane->setSignal(nullptr, 0);  // until the view's mono signal is ready
        histograms->setSignal(nullptr, 0);
        histograms->setChannels(audio);
        phasePane->setStereo(audio);
        stftInfo->setSampleRate(audio ? audio->sampleRate : 0);
    });
    QObject::connect(audioView, &AudioView::monoReady, window, [=](std::shared_ptr<const Eigen::ArrayXf> mono, double rate) {
        phasePane->setSignal(mono, rate);
        histograms->setSignal(mono, rate);
    });
    // Each channel stacked: one phase pane per further channel, following the first one's settings;
    // the inter-channel views compare the channels in the first pane alone.
    auto channelPhasePanes = std::make_shared<std::vector<PhaseMapPane*>>();
    auto channelNames = std::make_shared<QStringList>();
    auto showChannelPhasePanes = [=] {
        const bool interChannel = PhaseMapPane::isInterChannel(phasePane->kind());
        for (PhaseMapPane* pane : *channelPhasePanes) pane->setVisible(!interChannel);
        phasePane->setCornerLabel(channelPhasePanes->empty() || interChannel ? QString() : channelNames->value(0));
    };
    QObject::connect(audioView, &AudioView::channelsReady, window,
                     [=](std::vector<std::shared_ptr<const Eigen::ArrayXf>> channels, QStringList names, double rate) {
                         const std::size_t extra = channels.size() > 1 ? channels.size() - 1 : 0;
                         while (channelPhasePanes->size() > extra) {
                             delete channelPhasePanes->back();
                             channelPhasePanes->pop_back();
                         }
                         while (channelPhasePanes->size() < extra) {
                             auto* pane = new PhaseMapPane(audioView->view(), phaseStack);
                             pane->copySettingsFrom(*phasePane);
                             phaseStack->addWidget(pane);
                             channelPhasePanes->push_back(pane);
                         }
                         *channelNames = names;
                         const int minimum = extra > 0 ? 50 : 110;
                         phasePane->setMinimumHeight(minimum);
                         for (PhaseMapPane* pane : *channelPhasePanes) pane->setMinimumHeight(minimum);
                         for (std::size_t c = 0; c < extra; ++c) {
                             (*channelPhasePanes)[c]->setCornerLabel(names.value(int(c) + 1));
                             (*channelPhasePanes)[c]->setSignal(channels[c + 1], rate);
                         }
                         if (extra > 0) phaseStack->setSizes(QList<int>(qsizetype(extra + 1), 100));
                         showChannelPhasePanes();
                     });
    QObject::connect(phasePane, &PhaseMapPane::settingsChanged, window, [=] {
        for (PhaseMapPane* pane : *channelPhasePanes) pane->copySettingsFrom(*phasePane);
        showChannelPhasePanes();
    });
    window->addReadyCheck([channelPhasePanes] {
        return std::all_of(channelPhasePanes->begin(), channelPhasePanes->end(),
                           [](const PhaseMapPane* p) { return p->isHidden() || p->isUpToDate() || p->needsZoom(); });
    });
    auto followStft = [=] {
        const StftConfig c = audioView->spectrogram()->stftConfig();
        phasePane->setStftConfig(c);
        histograms->setStftConfig(c);
        stftInfo->setConfig(c);
    };
    QObject::connect(audioView->spectrogram(), &SpectrogramPane::computeStarted, window, followStft);
    followStft();
    window->addReadyCheck([phasePane] { return phasePane->isUpToDate() || phasePane->needsZoom(); });
    window->addReadyCheck([histograms] { return !histograms->isComputing(); });
    // The histogram follows the selection: a time-frequency box (Ctrl+drag) or a time range over
    // the visible frequencies; the whole file without one.
    ViewManager* view = window->audioView()->view();
    QObject::connect(view, &ViewManager::selectionChanged, histograms, [view, histograms] {
        if (!view->hasSelection()) histograms->setRegion(0, 0, 0, 0);
        else if (view->hasSelectionBand())
            histograms->setRegion(view->selectionStart(), view->selectionEnd(), view->selectionLowHz(), view->selectionHighHz());
        else
            histograms->setRegion(view->selectionStart(), view->selectionEnd(), view->frequencyAxis().lowHz(), view->frequencyAxis().maxHz);
    });

    // Listening: a run's signal becomes a player track; A/B switches between two tracks at the
    // same position (the A key toggles).
    installExperimentActions(window, recovery, separation);

    // Blind listening tests over the mixture, the references and every run's signals.
    auto* listening = new ListeningTestPanel;
    window->addPanel(scrollable(listening), QObject::tr("Listening test"));
    histogramDock->raise();
    auto refreshConditions = [=] {
        std::vector<ListeningCondition> c;
        if (doc->mixture()) c.push_back({QObject::tr("mixture"), doc->mixture(), NAN});
        for (const NamedAudio& r : doc->references()) c.push_back({QObject::tr("reference: %1").arg(r.name), r.audio, NAN});
        for (const SeparationRun& run : doc->separationRuns())
            for (std::size_t j = 0; j < run.sources.size(); ++j)
                c.push_back({run.label + " · " + run.sourceNames.value(int(j)), run.sources[j], j < run.sdr.size() ? run.sdr[j] : NAN});
        for (const RecoveryRun& run : doc->recoveryRuns()) c.push_back({run.label, run.audio, NAN});
        listening->setConditions(c);
    };
    QObject::connect(doc, &Document::changed, listening, refreshConditions);
    QObject::connect(doc, &Document::runsChanged, listening, refreshConditions);
    QObject::connect(listening, &ListeningTestPanel::testFinished, doc, [=] { doc->addListeningResult(listening->resultsJson()); });
    QObject::connect(listening, &ListeningTestPanel::playRequested, window, &MainWindow::playBlind);
    QObject::connect(recovery, &RecoveryPanel::viewRequested, window, &MainWindow::showInPanes);
    QObject::connect(separation, &SeparationPanel::viewRequested, window, &MainWindow::showInPanes);
    auto abPair = std::make_shared<std::pair<int, int>>(-1, -1);
    QObject::connect(recovery, &RecoveryPanel::listenRequested, window, [window](std::shared_ptr<const Audio> a, const QString& label) {
        window->listenTo(window->addTrack(label, a));
    });
    QObject::connect(recovery, &RecoveryPanel::compareRequested, window, [window, abPair](std::shared_ptr<const Audio> a, const QString& label) {
        *abPair = {0, window->addTrack(label, a)};
        window->listenTo(abPair->second);
    });
    QObject::connect(separation, &SeparationPanel::listenRequested, window, [window](std::shared_ptr<const Audio> a, const QString& label) {
        window->listenTo(window->addTrack(label, a));
    });
    QObject::connect(separation, &SeparationPanel::compareRequested, window,
                     [window, abPair](std::shared_ptr<const Audio> estimate, std::shared_ptr<const Audio> reference, const QString& label) {
                         *abPair = {window->addTrack(QObject::tr("reference"), reference), window->addTrack(label, estimate)};
                         window->listenTo(abPair->second);
                     });
    // A (not Tab: Tab and Shift+Tab always move the focus in forms) switches A/B.
    auto* toggle = new QShortcut(QKeySequence(Qt::Key_A), window);
    toggle->setContext(Qt::WindowShortcut);
    QObject::connect(toggle, &QShortcut::activated, window, [window, abPair] {
        if (abPair->first < 0) return;
        std::swap(abPair->first, abPair->second);
        window->listenTo(abPair->second);
    });
}

}  // namespace phaselab
