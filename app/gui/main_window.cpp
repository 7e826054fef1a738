#include "app/gui/main_window.h"

#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QCoreApplication>
#include <QDir>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMediaDevices>
#include <QMenuBar>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMessageBox>
#include <QMimeData>
#include <QScrollArea>
#include <QShortcut>
#include <QSettings>
#include <QStatusBar>
#include <QTimer>
#include <QToolBar>
#include <QToolButton>
#include <QComboBox>
#include <QElapsedTimer>
#include <QtConcurrent>
#include <cmath>

#include "app/gui/panels.h"
#include "core/tf/band_limit.h"
#include "widgets/audio_player.h"
#include "widgets/spectrogram_image.h"
#include "widgets/audio_view.h"
#include "widgets/icons.h"
#include "widgets/mixer_panel.h"
#include "widgets/spectrogram_controls.h"
#include "widgets/export_file.h"
#include "widgets/selection_editor.h"
#include "widgets/wheel_guard.h"

namespace phaselab {

static const char* kRecentKey = "recentFiles";
static const int kMaxRecent = 8;

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent), document_(new Document(this)), view_(new AudioView(this)), player_(new AudioPlayer(this)) {
    setWindowTitle("PhaseLab");
    loadPool_.setMaxThreadCount(1);
    setWindowIcon(appIcon());
    setAcceptDrops(true);
    setCentralWidget(view_);
    setDockOptions(QMainWindow::AnimatedDocks | QMainWindow::AllowTabbedDocks);
    resize(1400, 900);

    view_->spectrogram()->setPlaceholderText(tr("Open an audio file (Ctrl+O), drop one here, or try Help ▸ Open demo."));
    view_->view()->setFrequencyScale(FrequencyScale::Log);  // suits music; the side panel switches it
    controls_ = new SpectrogramControls(view_->spectrogram());
    auto* scroll = new QScrollArea;
    scroll->setWidget(controls_);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setMinimumWidth(250);
    controlsDock_ = addPanel(scroll, tr("Spectrogram"), Qt::RightDockWidgetArea);

    readout_ = new QLabel;
    readout_->setMinimumWidth(420);
    fileInfo_ = new QLabel;
    statusBar()->addPermanentWidget(new SelectionEditor(view_->view()));
    statusBar()->addPermanentWidget(readout_);
    WheelGuard::install();
    statusBar()->addPermanentWidget(fileInfo_);
    connect(view_->spectrogram(), &SpectrogramPane::readout, this, [this](const SpectrogramReadout& r) { readout_->setText(r.text()); });
    connect(view_->waveform(), &TimePane::hovered, this, [this](double t, double) {
        readout_->setText(QString("%1 s").arg(t, 0, 'f', 3));
    });

    loader_ = new QFutureWatcher<Loaded>(this);
    connect(loader_, &QFutureWatcher<Loaded>::finished, this, &MainWindow::onLoaded);

    buildActions();
    buildMenus();
    buildToolbar();

    connect(player_, &AudioPlayer::positionChanged, this, [this](double t) {
        cursorFromPlayer_ = true;
        view_->view()->setCursor(t);
        if (followAct_->isChecked() && player_->isPlaying()) view_->view()->ensureVisible(t);
        cursorFromPlayer_ = false;
    });
    connect(player_, &AudioPlayer::playingChanged, this, [this](bool playing) {
        playAct_->setIcon(makeIcon(playing ? IconId::Pause : IconId::Play));
        playAct_->setText(playing ? tr("Pause") : tr("Play"));
    });
    connect(player_, &AudioPlayer::error, this, [this](const QString& m) {
        statusBar()->showMessage(m, 8000);
        view_->showMessage(m, AudioView::MessageKind::Error);
    });
    connect(view_->view(), &ViewManager::cursorChanged, this, [this](double t) {
        if (!cursorFromPlayer_ && player_->isPlaying()) player_->seek(t);
    });
    connect(view_->view(), &ViewManager::selectionChanged, this, &MainWindow::updateLoop);
    auto* devices = new QMediaDevices(this);
    connect(devices, &QMediaDevices::audioOutputsChanged, this, &MainWindow::updateDeviceMenu);
    updateDeviceMenu();
    if (AudioPlayer::outputDevices().isEmpty()) {
        auto* noAudio = new QLabel(tr("No audio output"));
        noAudio->setToolTip(tr("No audio output device was found: playback is unavailable."));
        noAudio->setStyleSheet("color: #f0a070;");
        statusBar()->addPermanentWidget(noAudio);
    }
    statusBar()->showMessage(tr("Open an audio file (Ctrl+O), drop one here, or try Help ▸ Open demo."));

    mixer_ = new MixerPanel(player_->source());
    addPanel(mixer_, tr("Mixer"), Qt::RightDockWidgetArea);
    connect(mixer_, &MixerPanel::soloChanged, this, [this](int track) {
        const QSignalBlocker block(listenBox_);
        if (track >= 0) listenBox_->setCurrentIndex(track);
    });
    connect(listenBox_, &QComboBox::currentIndexChanged, mixer_, &MixerPanel::refresh);
    // Keys 1..9 choose the heard track (1 = mixture, then the stems and runs as in Listen).
    for (int k = 1; k <= 9; ++k) {
        auto* key = new QShortcut(QKeySequence(Qt::Key_0 + k), this);
        connect(key, &QShortcut::activated, this, [this, k] {
            if (k - 1 < player_->source()->trackCount()) listenBox_->setCurrentIndex(k - 1);
        });
    }
    installPanels(this);
    QSettings settings;
    layoutRestored_ = restoreState(settings.value("windowState").toByteArray());
    // Scale, colour map and dB range persist between launches (not the last file's time range).
    QJsonObject persisted = QJsonDocument::fromJson(settings.value("view").toByteArray()).object();
    for (const char* key : {"min_hz", "max_hz", "view_start", "view_end"}) persisted.remove(key);
    applyViewSettingsJson(QString::fromUtf8(QJsonDocument(persisted).toJson(QJsonDocument::Compact)));
    connect(document_, &Document::modifiedChanged, this, &MainWindow::updateTitle);
}

int MainWindow::addTrack(const QString& label, std::shared_ptr<const Audio> audio) {
    PlaybackSource* source = player_->source();
    for (int i = 0; i < source->trackCount(); ++i)
        if (source->track(i).audio == audio) return i;
    const int index = source->addTrack({label, std::move(audio), 1.0f, true});
    listenBox_->addItem(label);
    applyTrackGain(index);
    mixer_->refresh();
    return index;
}

void MainWindow::playBlind(std::shared_ptr<const Audio> audio) {
    PlaybackSource* source = player_->source();
    if (!audio || document_->isEmpty()) return;
    if (blindTrack_ < 0 || blindTrack_ >= source->trackCount() || source->track(blindTrack_).name != "blind test") {
        blindTrack_ = source->addTrack({"blind test", audio, 1.0f, true});
        listenBox_->addItem(tr("blind test"));
        mixer_->refresh();
    } else {
        source->setTrackAudio(blindTrack_, audio);
    }
    applyTrackGain(blindTrack_);
    listenTo(blindTrack_);
}

void MainWindow::showInPanes(std::shared_ptr<const Audio> audio, const QString& label) {
    if (!audio) return;
    shownLabel_ = label;
    view_->setAudio(std::move(audio));
    view_->showMessage(tr("Showing %1 — View ▸ Show the original signal goes back to %2.").arg(label, document_->displayName()));
    showOriginalAct_->setEnabled(true);
}

void MainWindow::showOriginal() {
    if (shownLabel_.isEmpty()) return;
    shownLabel_.clear();
    view_->setAudio(document_->mixture());
    view_->clearMessage();
    showOriginalAct_->setEnabled(false);
}

bool MainWindow::loudnessMatched() const { return matchLoudnessAct_ && matchLoudnessAct_->isChecked(); }

void MainWindow::applyTrackGain(int index) {
    PlaybackSource* source = player_->source();
    if (index <= 0 || index >= source->trackCount() || document_->isEmpty()) return;
    float gain = 1.0f;
    if (loudnessMatched()) {
        const double target = audioStats(*document_->mixture()).rms, rms = audioStats(*source->track(index).audio).rms;
        gain = rms > 0 ? float(std::min(target / rms, 100.0)) : 1.0f;
    }
    source->setTrackGain(index, gain);
}

void MainWindow::setLoudnessMatched(bool on) {
    if (matchLoudnessAct_->isChecked() != on) matchLoudnessAct_->setChecked(on);
    for (int i = 1; i < player_->source()->trackCount(); ++i) applyTrackGain(i);
    mixer_->refresh();
    statusBar()->showMessage(on ? tr("Tracks are played at the mixture's RMS level") : tr("Tracks are played at their own level"), 4000);
}

void MainWindow::playSelectionBand() {
    ViewManager* vm = view_->view();
    if (document_->isEmpty() || !vm->hasSelection()) {
        statusBar()->showMessage(tr("Select a time range first (drag in the panes), and zoom vertically to the band to hear."), 6000);
        return;
    }
    const int heard = std::max(0, listenBox_->currentIndex());
    const auto audio = player_->source()->track(heard).audio;
    // The box selection's band (Ctrl+drag), else the visible frequency range.
    const double lo = vm->hasSelectionBand() ? vm->selectionLowHz() : vm->frequencyAxis().lowHz();
    const double hi = vm->hasSelectionBand() ? vm->selectionHighHz() : vm->frequencyAxis().maxHz;
    const double t0 = vm->selectionStart(), t1 = vm->selectionEnd();
    const QString label = tr("band %1–%2, %3–%4 s").arg(formatHz(lo), formatHz(hi)).arg(t0, 0, 'f', 2).arg(t1, 0, 'f', 2);
    statusBar()->showMessage(tr("Preparing %1…").arg(label));
    auto* watcher = new QFutureWatcher<std::shared_ptr<const Audio>>(this);
    connect(watcher, &QFutureWatcher<std::shared_ptr<const Audio>>::finished, this, [this, watcher, label] {
        watcher->deleteLater();
        const auto band = watcher->result();
        if (!band) {
            statusBar()->showMessage(tr("Could not band-limit the selection."), 6000);
            return;
        }
        loopAct_->setChecked(true);
        updateLoop();
        listenTo(addTrack(label, band));
    });
    watcher->setFuture(QtConcurrent::run([audio, lo, hi]() -> std::shared_ptr<const Audio> {
        try {
            auto band = std::make_shared<Audio>();  // every channel band-limited: a stereo track stays stereo
            band->sampleRate = audio->sampleRate;
            band->data.resize(audio->frames(), audio->channels());
            for (int c = 0; c < audio->channels(); ++c) band->data.col(c) = bandLimit(audio->channel(c), audio->sampleRate, lo, hi);
            return band;
        } catch (const std::exception&) {
            return nullptr;
        }
    }));
}

void MainWindow::listenTo(int index) {
    if (index < 0 || index >= player_->source()->trackCount()) return;
    listenBox_->setCurrentIndex(index);  // switches the active track
    statusBar()->showMessage(tr("Listening to %1").arg(listenBox_->itemText(index)), 4000);
    if (!player_->isPlaying()) togglePlayback();
}

MainWindow::~MainWindow() {
    player_->stop();
    loader_->waitForFinished();
}

QDockWidget* MainWindow::addPanel(QWidget* panel, const QString& title, Qt::DockWidgetArea area) {
    auto* dock = new QDockWidget(title, this);
    dock->setObjectName("dock_" + title);
    dock->setWidget(panel);
    dock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable | QDockWidget::DockWidgetClosable);
    QDockWidget* sibling = nullptr;
    for (QDockWidget* d : findChildren<QDockWidget*>())
        if (d != dock && dockWidgetArea(d) == area && !d->isFloating()) sibling = d;
    addDockWidget(area, dock);
    if (sibling) {
        tabifyDockWidget(sibling, dock);
        dock->raise();
    }
    return dock;
}

void MainWindow::buildActions() {
    openAct_ = new QAction(makeIcon(IconId::Open), tr("&Open…"), this);
    openAct_->setShortcut(QKeySequence::Open);
    openAct_->setToolTip(tr("Open an audio file (WAV, FLAC, OGG, AIFF …)"));
    connect(openAct_, &QAction::triggered, this, [this] {
        QSettings settings;
        const QString path = QFileDialog::getOpenFileName(this, tr("Open audio"), settings.value("lastDir").toString(),
                                                          tr("Audio files (*.wav *.flac *.ogg *.oga *.aif *.aiff *.au *.w64 *.mp3);;All files (*)"));
        if (path.isEmpty() || !confirmDiscard()) return;
        settings.setValue("lastDir", QFileInfo(path).absolutePath());
        openFile(path);
    });
    demoAct_ = new QAction(makeIcon(IconId::Demo), tr("Open &demo"), this);
    demoAct_->setToolTip(tr("Piano, bass and drums: the mixture with its true sources"));
    connect(demoAct_, &QAction::triggered, this, [this] {
        if (!confirmDiscard()) return;
        if (!openDemo()) view_->showMessage(tr("The demo files were not found (looked for resources/demo/mix.flac beside the program)."),
                                            AudioView::MessageKind::Error);
    });
    stereoDemoAct_ = new QAction(tr("Open &stereo demo"), this);
    stereoDemoAct_->setToolTip(tr("The same piano, bass and drums as stereo images (panned, delayed, with a room tail)"));
    connect(stereoDemoAct_, &QAction::triggered, this, [this] {
        if (!confirmDiscard()) return;
        if (!openDemo(true))
            view_->showMessage(tr("The stereo demo was not found (looked for resources/demo/stereo/mix.flac beside the program)."),
                               AudioView::MessageKind::Error);
    });
    exportAct_ = new QAction(makeIcon(IconId::Export), tr("&Export spectrogram image…"), this);
    exportAct_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    connect(exportAct_, &QAction::triggered, this, &MainWindow::exportSpectrogram);
    newWindowAct_ = new QAction(tr("&New window"), this);
    newWindowAct_->setShortcut(QKeySequence::New);
    newWindowAct_->setToolTip(tr("A second, independent window: compare two files side by side"));
    connect(newWindowAct_, &QAction::triggered, this, [this] {
        auto* w = new MainWindow;
        w->setAttribute(Qt::WA_DeleteOnClose);
        w->resize(size());
        w->move(pos() + QPoint(40, 40));
        w->show();
    });
    quitAct_ = new QAction(tr("&Quit"), this);
    quitAct_->setShortcut(QKeySequence::Quit);
    connect(quitAct_, &QAction::triggered, this, &QWidget::close);

    playAct_ = new QAction(makeIcon(IconId::Play), tr("Play"), this);
    playAct_->setShortcut(Qt::Key_Space);
    playAct_->setToolTip(tr("Play / pause from the cursor (Space)"));
    connect(playAct_, &QAction::triggered, this, &MainWindow::togglePlayback);
    stopAct_ = new QAction(makeIcon(IconId::Stop), tr("Stop"), this);
    stopAct_->setToolTip(tr("Stop and return to where playback started"));
    connect(stopAct_, &QAction::triggered, player_, &AudioPlayer::stop);
    loopAct_ = new QAction(makeIcon(IconId::Loop), tr("Loop selection"), this);
    loopAct_->setCheckable(true);
    loopAct_->setShortcut(QKeySequence(Qt::Key_L));
    loopAct_->setToolTip(tr("Loop the selected time range (L); drag in a pane to select"));
    connect(loopAct_, &QAction::toggled, this, &MainWindow::updateLoop);
    followAct_ = new QAction(tr("Follow playback"), this);
    followAct_->setCheckable(true);
    followAct_->setChecked(true);

    ViewManager* vm = view_->view();
    zoomInAct_ = new QAction(makeIcon(IconId::ZoomIn), tr("Zoom in"), this);
    zoomInAct_->setShortcut(QKeySequence::ZoomIn);
    connect(zoomInAct_, &QAction::triggered, vm, [vm] { vm->zoomTime(2.0, 0.5 * (vm->viewStart() + vm->viewEnd())); });
    zoomOutAct_ = new QAction(makeIcon(IconId::ZoomOut), tr("Zoom out"), this);
    zoomOutAct_->setShortcut(QKeySequence::ZoomOut);
    connect(zoomOutAct_, &QAction::triggered, vm, [vm] { vm->zoomTime(0.5, 0.5 * (vm->viewStart() + vm->viewEnd())); });
    zoomFitAct_ = new QAction(makeIcon(IconId::ZoomFit), tr("Show whole file"), this);
    zoomFitAct_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_0));
    connect(zoomFitAct_, &QAction::triggered, vm, &ViewManager::zoomToFit);
    auto* scrollLeft = new QAction(tr("Scroll left"), this);
    scrollLeft->setShortcut(Qt::Key_Left);
    connect(scrollLeft, &QAction::triggered, vm, [vm] { vm->scrollBy(-0.1 * vm->viewSpan()); });
    auto* scrollRight = new QAction(tr("Scroll right"), this);
    scrollRight->setShortcut(Qt::Key_Right);
    connect(scrollRight, &QAction::triggered, vm, [vm] { vm->scrollBy(0.1 * vm->viewSpan()); });
    auto* toStart = new QAction(tr("Go to start"), this);
    toStart->setShortcut(Qt::Key_Home);
    connect(toStart, &QAction::triggered, vm, [vm] {
        vm->setCursor(0);
        vm->ensureVisible(0);
    });
    addActions({scrollLeft, scrollRight, toStart});
    zoomSelAct_ = new QAction(makeIcon(IconId::ZoomSelection), tr("Zoom to selection"), this);
    zoomSelAct_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_T));
    connect(zoomSelAct_, &QAction::triggered, vm, &ViewManager::zoomToSelection);
}

void MainWindow::buildMenus() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(newWindowAct_);
    file->addAction(openAct_);
    recentMenu_ = file->addMenu(tr("Open &recent"));
    updateRecentMenu();
    file->addSeparator();
    file->addAction(exportAct_);
    file->addSeparator();
    file->addAction(quitAct_);

    QMenu* viewMenu = menuBar()->addMenu(tr("&View"));
    viewMenu->addAction(zoomInAct_);
    viewMenu->addAction(zoomOutAct_);
    viewMenu->addAction(zoomFitAct_);
    viewMenu->addAction(zoomSelAct_);
    viewMenu->addSeparator();
    QAction* cancel = viewMenu->addAction(tr("Cancel running work"), this, [this] {
        view_->spectrogram()->cancel();
        emit cancelRequested();
    });
    cancel->setShortcut(Qt::Key_Escape);
    cancel->setToolTip(tr("Stop the spectrogram computation and every running phase recovery or separation (Esc)"));
    QAction* recompute = viewMenu->addAction(tr("Recompute spectrogram"), view_->spectrogram(), &SpectrogramPane::recompute);
    recompute->setShortcut(QKeySequence::Refresh);
    viewMenu->addSeparator();
    showOriginalAct_ = viewMenu->addAction(tr("Show the original signal"), this, &MainWindow::showOriginal);
    showOriginalAct_->setEnabled(false);
    viewMenu->addSeparator();
    viewMenu->addAction(controlsDock_->toggleViewAction());

    QMenu* play = menuBar()->addMenu(tr("&Playback"));
    play->addAction(playAct_);
    play->addAction(stopAct_);
    play->addAction(loopAct_);
    play->addAction(followAct_);
    play->addSeparator();
    matchLoudnessAct_ = play->addAction(tr("Match loudness (RMS)"), this, [this](bool on) { setLoudnessMatched(on); });
    matchLoudnessAct_->setCheckable(true);
    matchLoudnessAct_->setToolTip(tr("Play every track at the mixture's RMS level, so that louder does not sound better"));
    bandAct_ = play->addAction(tr("Play the selection's frequency band"), this, &MainWindow::playSelectionBand);
    bandAct_->setShortcut(QKeySequence("Ctrl+B"));
    bandAct_->setToolTip(tr("Loop the selected time range, band-limited to the visible frequency range (zoom vertically to choose it)"));
    play->addSeparator();
    deviceMenu_ = play->addMenu(tr("Output &device"));

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(demoAct_);
    help->addAction(stereoDemoAct_);
    help->addAction(tr("&About PhaseLab"), this, [this] {
        QMessageBox::about(this, tr("About PhaseLab"),
                           tr("<b>PhaseLab</b> %1<br>Phase-aware audio analysis, STFT phase recovery and source separation.<br><br>"
                              "Click to place the cursor, drag to select, Ctrl+wheel to zoom, wheel to scroll, wheel over the "
                              "frequency axis to zoom vertically, Space to play.")
                               .arg(QCoreApplication::applicationVersion()));
    });
}

void MainWindow::buildToolbar() {
    QToolBar* tb = addToolBar(tr("Main"));
    tb->setObjectName("mainToolbar");
    tb->setMovable(false);
    tb->setIconSize(QSize(20, 20));
    tb->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    tb->addAction(openAct_);
    tb->addAction(demoAct_);
    tb->addSeparator();
    tb->addAction(playAct_);
    tb->addAction(stopAct_);
    tb->addAction(loopAct_);
    // Text only where it helps most, so that everything fits 1280 px (the rest has tooltips; a
    // narrower window shows the toolbar's overflow button).
    for (QAction* a : {demoAct_, stopAct_, loopAct_})
        if (auto* w = tb->widgetForAction(a)) qobject_cast<QToolButton*>(w)->setToolButtonStyle(Qt::ToolButtonIconOnly);
    auto* clock = new QLabel;
    clock->setMinimumWidth(170);
    clock->setAlignment(Qt::AlignCenter);
    clock->setStyleSheet("font-family: 'DejaVu Sans Mono', monospace; font-size: 13px; color: #e8d48a; background: #1f2228;"
                         "border-radius: 4px; padding: 3px 8px;");
    clock->setToolTip(tr("Cursor position / duration"));
    auto updateClock = [this, clock] {
        auto fmt = [](double s) { return QString("%1:%2").arg(int(s) / 60).arg(std::fmod(s, 60.0), 6, 'f', 3, QChar('0')); };
        clock->setText(fmt(view_->view()->cursor()) + " / " + fmt(document_->isEmpty() ? 0.0 : view_->view()->duration()));
    };
    connect(view_->view(), &ViewManager::cursorChanged, clock, updateClock);
    connect(document_, &Document::changed, clock, updateClock);
    updateClock();
    tb->addWidget(clock);
    tb->addWidget(new QLabel(tr("  Listen ")));
    listenBox_ = new QComboBox;
    listenBox_->setToolTip(tr("Track heard on playback; switching is instant and sample-accurate"));
    listenBox_->setMinimumWidth(110);
    connect(listenBox_, &QComboBox::currentIndexChanged, this, [this](int i) {
        if (i >= 0 && i < player_->source()->trackCount()) player_->source()->setActiveTrack(i);
    });
    tb->addWidget(listenBox_);
    tb->addSeparator();
    for (QAction* a : {zoomInAct_, zoomOutAct_, zoomFitAct_, zoomSelAct_}) {
        tb->addAction(a);
        if (auto* w = tb->widgetForAction(a)) qobject_cast<QToolButton*>(w)->setToolButtonStyle(Qt::ToolButtonIconOnly);
    }
    tb->addSeparator();
    tb->addWidget(new QLabel(tr(" Scale ")));
    auto* scale = new QComboBox;
    scale->setModel(controls_->scaleBox()->model());
    scale->setCurrentIndex(controls_->scaleBox()->currentIndex());
    connect(scale, &QComboBox::currentIndexChanged, controls_->scaleBox(), &QComboBox::setCurrentIndex);
    connect(controls_->scaleBox(), &QComboBox::currentIndexChanged, scale, &QComboBox::setCurrentIndex);
    tb->addWidget(scale);
    tb->addWidget(new QLabel(tr("  Colours ")));
    auto* colours = new QComboBox;
    colours->setModel(controls_->colormapBox()->model());
    colours->setCurrentIndex(controls_->colormapBox()->currentIndex());
    connect(colours, &QComboBox::currentIndexChanged, controls_->colormapBox(), &QComboBox::setCurrentIndex);
    connect(controls_->colormapBox(), &QComboBox::currentIndexChanged, colours, &QComboBox::setCurrentIndex);
    tb->addWidget(colours);
    tb->addSeparator();
    tb->addAction(exportAct_);
    if (auto* w = tb->widgetForAction(exportAct_)) qobject_cast<QToolButton*>(w)->setToolButtonStyle(Qt::ToolButtonIconOnly);
}

void MainWindow::updateDeviceMenu() {
    deviceMenu_->clear();
    auto* group = new QActionGroup(deviceMenu_);
    const auto devices = AudioPlayer::outputDevices();
    if (devices.isEmpty()) {
        deviceMenu_->addAction(tr("(no output device)"))->setEnabled(false);
        return;
    }
    for (const QAudioDevice& d : devices) {
        QAction* a = deviceMenu_->addAction(d.description());
        a->setCheckable(true);
        a->setChecked(d == player_->device());
        group->addAction(a);
        connect(a, &QAction::triggered, this, [this, d] { player_->setDevice(d); });
    }
}

QString MainWindow::findDemoDir() {
    QStringList candidates;
    QDir dir(QCoreApplication::applicationDirPath());
    for (int up = 0; up < 4 && dir.cdUp(); ++up) candidates << dir.filePath("resources/demo");
    candidates << QDir(QCoreApplication::applicationDirPath()).filePath("../share/phaselab/demo") << "/usr/local/share/phaselab/demo"
               << "/usr/share/phaselab/demo";
    for (const QString& c : candidates)
        if (QFileInfo::exists(c + "/mix.flac")) return QDir(c).absolutePath();
    return {};
}

static QStringList demoStems(const QString& dir) {
    QStringList refs;
    for (const char* stem : {"piano", "bass", "drums"})
        if (QFileInfo::exists(dir + "/" + stem + ".flac")) refs << dir + "/" + stem + ".flac";
    return refs;
}

bool MainWindow::openDemo(bool stereo) {
    QString dir = findDemoDir();
    if (stereo && !dir.isEmpty()) dir += "/stereo";
    if (dir.isEmpty() || !QFileInfo::exists(dir + "/mix.flac")) return false;
    openFile(dir + "/mix.flac", demoStems(dir));
    return true;
}

void MainWindow::openFile(const QString& path, const QStringList& referencePaths, bool allowTruncated) {
    const QString demoDir = findDemoDir();
    if (referencePaths.isEmpty() && !demoDir.isEmpty())
        for (const QString& dir : {demoDir, demoDir + "/stereo"})
            if (QFileInfo(path).canonicalFilePath() == QFileInfo(dir + "/mix.flac").canonicalFilePath()) {
                openFile(path, demoStems(dir), allowTruncated);  // the demo mixtures always come with their true sources
                return;
            }
    player_->stop();
    loadingPath_ = path;
    loadingReferences_ = referencePaths;
    view_->showMessage(tr("Loading %1…").arg(QFileInfo(path).fileName()));
    loader_->setFuture(QtConcurrent::run(&loadPool_, [path, referencePaths, allowTruncated] {
        Loaded r;
        try {
            r.content = Document::load(path, referencePaths, allowTruncated);
        } catch (const TruncatedAudioError& e) {
            r.error = QString::fromStdString(e.what());
            r.truncated = true;
        } catch (const std::exception& e) {
            r.error = QString::fromStdString(e.what());
        }
        return r;
    }));
}

void MainWindow::onLoaded() {
    Loaded r = loader_->result();
    if (r.truncated) {
        const auto answer = QMessageBox::question(
            this, tr("Damaged file"),
            tr("%1\n\nOpen the part that decodes? Everything computed on it will be shorter than the file says.").arg(r.error),
            QMessageBox::Open | QMessageBox::Cancel, QMessageBox::Cancel);
        if (answer == QMessageBox::Open) {
            openFile(loadingPath_, loadingReferences_, true);
            return;
        }
    }
    if (!r.error.isEmpty()) {
        view_->showMessage(tr("Could not open %1: %2").arg(QFileInfo(loadingPath_).fileName(), r.error), AudioView::MessageKind::Error);
        statusBar()->showMessage(tr("Could not open %1").arg(loadingPath_), 8000);
        emit loadFinished(false, r.error);
        return;
    }
    view_->clearMessage();
    const QStringList warnings = r.content.warnings;
    const auto mixture = r.content.mixture;
    document_->setContent(std::move(r.content));
    updateTitle();
    addRecentFile(document_->path());

    PlaybackSource* source = player_->source();
    source->clearTracks();
    blindTrack_ = -1;
    source->addTrack({document_->displayName(), mixture});
    for (const NamedAudio& ref : document_->references()) applyTrackGain(source->addTrack({ref.name, ref.audio, 1.0f, true}));
    source->setActiveTrack(0);
    {
        const QSignalBlocker block(listenBox_);
        listenBox_->clear();
        for (int i = 0; i < source->trackCount(); ++i) listenBox_->addItem(i == 0 ? tr("mixture") : source->track(i).name);
        listenBox_->setCurrentIndex(0);
    }
    loopAct_->setChecked(false);
    mixer_->refresh();

    shownLabel_.clear();
    if (showOriginalAct_) showOriginalAct_->setEnabled(false);
    view_->setAudio(mixture);
    showFileInfo();
    QString msg = tr("Opened %1").arg(QFileInfo(document_->path()).fileName());
    if (!document_->references().isEmpty()) {
        QStringList names;
        for (const NamedAudio& ref : document_->references()) names << ref.name;
        msg += tr(" with references: %1").arg(names.join(", "));
    }
    statusBar()->showMessage(msg, 8000);
    if (!warnings.isEmpty()) view_->showMessage(warnings.join("\n"), AudioView::MessageKind::Warning);
    emit loadFinished(true, QString());
}

void MainWindow::showFileInfo() {
    const auto a = document_->mixture();
    if (!a) return;
    const QString channels = a->channels() == 1 ? tr("mono") : a->channels() == 2 ? tr("stereo") : tr("%1 ch").arg(a->channels());
    fileInfo_->setText(tr("%1 Hz · %2 · %3 s").arg(a->sampleRate, 0, 'f', 0).arg(channels).arg(a->duration(), 0, 'f', 2));
}

void MainWindow::togglePlayback() {
    if (player_->isPlaying()) {
        player_->pause();
        return;
    }
    if (document_->isEmpty()) {
        statusBar()->showMessage(tr("Nothing to play: open an audio file first."), 5000);
        return;
    }
    ViewManager* vm = view_->view();
    double start = vm->cursor();
    if (loopAct_->isChecked() && vm->hasSelection() && (start < vm->selectionStart() || start >= vm->selectionEnd()))
        start = vm->selectionStart();
    if (start >= vm->duration() - 1e-3) start = 0;
    updateLoop();
    player_->seek(start);
    player_->play();
}

void MainWindow::updateLoop() {
    ViewManager* vm = view_->view();
    PlaybackSource* source = player_->source();
    const double rate = source->sampleRate();
    if (loopAct_->isChecked() && vm->hasSelection() && rate > 0)
        source->setLoop(Eigen::Index(vm->selectionStart() * rate), Eigen::Index(vm->selectionEnd() * rate));
    else
        source->clearLoop();
}

void MainWindow::exportSpectrogram() {
    if (document_->isEmpty()) return;
    QSettings settings;
    const QString suggestion = QDir(settings.value("lastDir").toString()).filePath(QFileInfo(document_->path()).completeBaseName() + "_spectrogram.png");
    const QString path = askExportPath(this, tr("Export spectrogram image"), suggestion, tr("PNG image (*.png)"));
    if (path.isEmpty()) return;
    if (view_->exportSpectrogramPng(path)) statusBar()->showMessage(tr("Saved %1").arg(path), 5000);
    else view_->showMessage(tr("Could not write %1").arg(path), AudioView::MessageKind::Error);
}

QStringList MainWindow::recentFiles() const { return QSettings().value(kRecentKey).toStringList(); }

void MainWindow::addRecentFile(const QString& path) {
    QStringList list = recentFiles();
    const QString abs = QFileInfo(path).absoluteFilePath();
    list.removeAll(abs);
    list.prepend(abs);
    while (list.size() > kMaxRecent) list.removeLast();
    QSettings().setValue(kRecentKey, list);
    updateRecentMenu();
}

void MainWindow::updateRecentMenu() {
    recentMenu_->clear();
    const QStringList list = recentFiles();
    for (const QString& path : list) recentMenu_->addAction(QFileInfo(path).fileName(), this, [this, path] {
        if (confirmDiscard()) openFile(path);
    })->setToolTip(path);
    if (list.isEmpty()) recentMenu_->addAction(tr("(none)"))->setEnabled(false);
    else {
        recentMenu_->addSeparator();
        recentMenu_->addAction(tr("Clear list"), this, [this] {
            QSettings().remove(kRecentKey);
            updateRecentMenu();
        });
    }
}

void MainWindow::dragEnterEvent(QDragEnterEvent* e) {
    if (e->mimeData()->hasUrls()) e->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* e) {
    for (const QUrl& url : e->mimeData()->urls())
        if (url.isLocalFile()) {
            e->acceptProposedAction();
            if (confirmDiscard()) openFile(url.toLocalFile());
            return;
        }
}

bool MainWindow::confirmDiscard() {
    if (!document_->isModified()) return true;
    const auto answer = unsavedPrompt_ ? unsavedPrompt_()
                                       : QMessageBox::question(this, tr("Unsaved work"),
                                                               tr("%1 has runs or listening results that are not saved.\n"
                                                                  "Save them as an experiment first?")
                                                                   .arg(document_->displayName()),
                                                               QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel,
                                                               QMessageBox::Save);
    if (answer == QMessageBox::Discard) return true;
    if (answer == QMessageBox::Save) return saveSession();
    return false;
}

void MainWindow::updateTitle() {
    setWindowTitle(document_->isEmpty() ? QString("PhaseLab")
                                        : tr("%1%2 — PhaseLab").arg(document_->displayName(), document_->isModified() ? " *" : ""));
}

QString MainWindow::viewSettingsJson() const {
    const SpectrogramPane* s = view_->spectrogram();
    const ViewManager* vm = view_->view();
    QJsonObject o{{"scale", QString::fromStdString(scaleName(vm->frequencyAxis().scale))},
                  {"min_hz", vm->frequencyAxis().lowHz()},
                  {"max_hz", vm->frequencyAxis().maxHz},
                  {"colormap", controls_->colormapBox()->currentText()},
                  {"top_db", double(s->style().topDb)},
                  {"range_db", double(s->style().rangeDb)},
                  {"view_start", vm->viewStart()},
                  {"view_end", vm->viewEnd()}};
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

void MainWindow::applyViewSettingsJson(const QString& json) {
    const QJsonObject o = QJsonDocument::fromJson(json.toUtf8()).object();
    if (o.isEmpty()) return;
    ViewManager* vm = view_->view();
    try {
        if (o.contains("scale")) vm->setFrequencyScale(scaleFromName(o["scale"].toString().toStdString()));
    } catch (const std::exception&) {
    }
    if (o.contains("min_hz") && o.contains("max_hz")) vm->setFrequencyRange(o["min_hz"].toDouble(), o["max_hz"].toDouble());
    const int c = controls_->colormapBox()->findText(o["colormap"].toString());
    if (c >= 0) controls_->colormapBox()->setCurrentIndex(c);
    if (o.contains("top_db")) controls_->topDbBox()->setValue(o["top_db"].toDouble());
    if (o.contains("range_db")) controls_->rangeDbBox()->setValue(o["range_db"].toDouble());
    if (o.contains("view_start") && o.contains("view_end")) vm->setVisibleRange(o["view_start"].toDouble(), o["view_end"].toDouble());
}

void MainWindow::showEvent(QShowEvent* e) {
    QMainWindow::showEvent(e);
    if (dockProportions_ && !layoutRestored_) {
        auto apply = std::move(dockProportions_);
        dockProportions_ = nullptr;
        QTimer::singleShot(0, this, apply);  // after the first layout at the final size
    }
}

void MainWindow::closeEvent(QCloseEvent* e) {
    if (!confirmDiscard()) {
        e->ignore();
        return;
    }
    QSettings().setValue("windowState", saveState());
    QSettings().setValue("view", viewSettingsJson().toUtf8());
    player_->stop();
    QMainWindow::closeEvent(e);
}

void MainWindow::screenshotWhenReady(const QString& path, int timeoutMs) {
    // Polls until the view is ready, the load failed, or time is up; then grabs and quits.
    auto* poll = new QTimer(this);
    auto failed = std::make_shared<bool>(false);
    connect(this, &MainWindow::loadFinished, poll, [failed](bool ok) { *failed = !ok; });
    auto elapsed = std::make_shared<QElapsedTimer>();
    elapsed->start();
    connect(poll, &QTimer::timeout, this, [this, poll, failed, elapsed, path, timeoutMs] {
        bool ready = view_->isReady();
        for (const auto& check : readyChecks_) ready = ready && check();
        if (!ready && !*failed && elapsed->elapsed() < timeoutMs) return;
        poll->stop();
        if (ready) {
            // Show the read-out as if the mouse rested on the spectrogram near 440 Hz.
            SpectrogramPane* pane = view_->spectrogram();
            const QRect plot = pane->plotRect();
            const int y = plot.bottom() - int(view_->view()->frequencyAxis().toPosition(440) * plot.height());
            QMouseEvent move(QEvent::MouseMove, QPointF(plot.left() + plot.width() * 0.42, y), pane->mapToGlobal(QPointF(0, 0)),
                             Qt::NoButton, Qt::NoButton, Qt::NoModifier);
            QCoreApplication::sendEvent(pane, &move);
        }
        const bool saved = grab().save(path, "PNG");
        QCoreApplication::exit(saved && ready ? 0 : 1);
    });
    poll->start(100);
}

}  // namespace phaselab
