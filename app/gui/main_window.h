#pragma once
// PhaseLab's main window: menus, toolbar, the AudioView (overview, ruler, waveform,
// spectrogram), a "Spectrogram" side panel, the player and a status bar read-out.
//
// Extending it: addPanel() docks any widget (metrics, phase recovery, separation …) as a tab in a
// dock area; document() holds the loaded mixture and references (listen to Document::changed),
// player() plays them, audioView()->view() is the shared viewport.

#include <QFutureWatcher>
#include <QMainWindow>
#include <QMessageBox>
#include <QThreadPool>
#include <functional>
#include <vector>

#include "app/gui/document.h"

class QAction;
class QComboBox;
class QDockWidget;
class QLabel;
class QMenu;

namespace phaselab {

class AudioPlayer;
class AudioView;
class SpectrogramControls;
class MixerPanel;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    Document* document() const { return document_; }
    AudioView* audioView() const { return view_; }
    AudioPlayer* player() const { return player_; }
    SpectrogramControls* spectrogramControls() const { return controls_; }

    // Loads in the background; loadFinished() reports the outcome, errors also appear in the
    // window's banner. referencePaths become the document's references (the demo's mix.flac gets
    // its stems without asking).
    // A truncated or damaged file: the window asks whether to open the decoded part (then with a
    // warning in the banner), unless allowTruncated is already given.
    void openFile(const QString& path, const QStringList& referencePaths = {}, bool allowTruncated = false);
    // resources/demo/mix.flac with piano, bass and drums as references; stereo: the stereo demo
    // (resources/demo/stereo/, the same stems as stereo images). False if not found.
    bool openDemo(bool stereo = false);
    // The folder holding mix.flac: beside the build tree (<exe>/../../resources/demo, also
    // searched further up), then <exe>/../share/phaselab/demo and /usr/share/phaselab/demo.
    static QString findDemoDir();

    // Docks `panel` in `area`, tabbed with panels already there. The window keeps ownership.
    QDockWidget* addPanel(QWidget* panel, const QString& title, Qt::DockWidgetArea area = Qt::BottomDockWidgetArea);

    QStringList recentFiles() const;

    // Unsaved work. confirmDiscard() is asked before the document is replaced or the window
    // closed: true when there is nothing unsaved, or the user saved (Save) or chose Discard; false
    // for Cancel. The question is a Save / Discard / Cancel box unless a test sets its own answer.
    bool confirmDiscard();
    void setUnsavedChangesPrompt(std::function<QMessageBox::StandardButton()> prompt) { unsavedPrompt_ = std::move(prompt); }
    // How the session is saved (the experiment actions set it); false if nothing was saved.
    void setSaveSession(std::function<bool()> save) { saveSession_ = std::move(save); }
    bool saveSession() { return saveSession_ ? saveSession_() : false; }
    // View settings as a JSON object (frequency scale, colour map, dB range, visible time range),
    // saved with experiments and restored with them.
    QString viewSettingsJson() const;
    void applyViewSettingsJson(const QString& json);
    // Playback tracks beyond the document's (runs' signals): adds `audio` as a track named
    // `label` (or returns the track already holding the same audio) and lists it under Listen.
    int addTrack(const QString& label, std::shared_ptr<const Audio> audio);
    // Makes track `index` the one heard (sample-accurate switch, playback position kept).
    void listenTo(int index);
    // Shows `audio` (a run's signal) in the panes instead of the document's mixture, with a note
    // in the banner; showOriginal() (View menu) goes back. The document is unchanged.
    // Plays `audio` through one anonymous "blind test" track (its name in the Listen box never says
    // which condition it is).
    void playBlind(std::shared_ptr<const Audio> audio);
    void showInPanes(std::shared_ptr<const Audio> audio, const QString& label);
    void showOriginal();
    // Every track played at the mixture's RMS (so louder does not sound better), or at unit gain.
    void setLoudnessMatched(bool on);
    bool loudnessMatched() const;
    // Auditions the selection's time-frequency box: the heard track band-limited to the visible
    // frequency range (STFT masking, in the background), added as a track and looped.
    void playSelectionBand();
    QString shownLabel() const { return shownLabel_; }  // empty while the mixture is shown
    // Once the document is loaded and its spectrogram shown, saves grab() to `path` and quits
    // the application with 0 (1 on failure or after timeoutMs).
    void screenshotWhenReady(const QString& path, int timeoutMs = 60000);
    // Extra conditions screenshotWhenReady() waits for (e.g. a panel's background work is done).
    void addReadyCheck(std::function<bool()> ready) { readyChecks_.push_back(std::move(ready)); }
    // Sizes the docks in proportion to the window when it is first shown (no saved layout).
    void setDefaultDockProportions(std::function<void()> apply) { dockProportions_ = std::move(apply); }

signals:
    void loadFinished(bool ok, const QString& message);
    // Escape: every running background job of the window should stop (panels connect to it).
    void cancelRequested();

protected:
    void dragEnterEvent(QDragEnterEvent*) override;
    void dropEvent(QDropEvent*) override;
    void closeEvent(QCloseEvent*) override;
    void showEvent(QShowEvent*) override;

private:
    void buildActions();
    void buildMenus();
    void buildToolbar();
    void addRecentFile(const QString& path);
    void updateRecentMenu();
    void updateDeviceMenu();
    void onLoaded();
    void togglePlayback();
    void updateLoop();
    void exportSpectrogram();
    void showFileInfo();

    Document* document_;
    AudioView* view_;
    AudioPlayer* player_;
    SpectrogramControls* controls_;
    QDockWidget* controlsDock_ = nullptr;
    QLabel* readout_;
    QLabel* fileInfo_;
    QComboBox* listenBox_ = nullptr;
    QMenu* recentMenu_ = nullptr;
    QMenu* deviceMenu_ = nullptr;
    QAction *openAct_, *demoAct_, *stereoDemoAct_, *exportAct_, *quitAct_, *playAct_, *stopAct_, *loopAct_, *zoomInAct_, *zoomOutAct_,
        *zoomFitAct_, *zoomSelAct_, *followAct_;
    QAction* matchLoudnessAct_ = nullptr;
    QAction* newWindowAct_ = nullptr;
    QAction* bandAct_ = nullptr;
    void applyTrackGain(int index);
    struct Loaded {
        Document::Content content;
        QString error;
        bool truncated = false;
    };
    QStringList loadingReferences_;
    QThreadPool loadPool_;  // loading never waits behind runs or view work in the global pool
    QFutureWatcher<Loaded>* loader_;
    QString loadingPath_;
    bool cursorFromPlayer_ = false;
    QString shownLabel_;
    int blindTrack_ = -1;
    MixerPanel* mixer_ = nullptr;
    std::vector<std::function<bool()>> readyChecks_;
    std::function<QMessageBox::StandardButton()> unsavedPrompt_;
    std::function<bool()> saveSession_;
    std::function<void()> dockProportions_;
    bool layoutRestored_ = false;
    void updateTitle();
    QAction* showOriginalAct_ = nullptr;
};

}  // namespace phaselab
