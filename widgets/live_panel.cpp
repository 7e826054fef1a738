#include "widgets/live_panel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileInfo>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QMediaDevices>
#include <QProgressBar>
#include <QPushButton>
#include <QRadioButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QTimer>
#include <QVBoxLayout>
#include <cmath>

#include "core/common/error.h"
#include "core/stream/nmf_stream.h"
#include "core/stream/online_separation.h"
#include "core/stream/rtisila.h"
#include "core/stream/rtpghi.h"
#include "widgets/dictionary_learner.h"
#include "widgets/export_file.h"
#include "widgets/live_runner.h"
#include "widgets/scrolling_tf_view.h"
#include "widgets/stft_chooser.h"

namespace phaselab {

namespace {
constexpr int kBlock = 256;
}

LivePanel::LivePanel(QWidget* parent)
    : QWidget(parent),
      runner_(new LiveRunner(this)),
      sourceLabel_(new QLabel(this)),
      input_(new QComboBox(this)),
      method_(new QComboBox(this)),
      lookahead_(new QSpinBox(this)),
      iterations_(new QSpinBox(this)),
      magnitudes_(new QComboBox(this)),
      kappa_(new QDoubleSpinBox(this)),
      learner_(new DictionaryLearner(this)),
      stft_(new StftChooser(this)),
      startButton_(new QPushButton(tr("Start"), this)),
      processed_(new QRadioButton(tr("B: processed"), this)),
      original_(new QRadioButton(tr("A: original (aligned)"), this)),
      bypass_(new QRadioButton(tr("Bypass"), this)),
      record_(new QCheckBox(tr("Record what you hear"), this)),
      saveRecording_(new QPushButton(tr("Save recording…"), this)),
      latency_(new QLabel(this)),
      load_(new QProgressBar(this)),
      underruns_(new QLabel(this)),
      status_(new QLabel(this)),
      sourceRows_(new QGridLayout),
      inputLevels_(new ScrollingTfView(ScrollingTfView::Kind::Level, tr("Input level"), this)),
      outputLevels_(new ScrollingTfView(ScrollingTfView::Kind::Level, tr("Heard level"), this)),
      inputPhase_(new ScrollingTfView(ScrollingTfView::Kind::Phase, tr("Input phase"), this)),
      outputPhase_(new ScrollingTfView(ScrollingTfView::Kind::Phase, tr("Heard phase"), this)),
      poll_(new QTimer(this)) {
    method_->addItem(tr("RTPGHI: phase rebuilt from the magnitude"), "rtpghi");
    method_->addItem(tr("RTISI-LA: phase rebuilt iteratively, with look-ahead"), "rtisi-la");
    method_->addItem(tr("GSRTISI-LA from RTPGHI: the best real-time phase"), "gsrtisi-la");
    method_->addItem(tr("Online MISI: phase-aware separation"), "omisi");
    method_->addItem(tr("Online Wiener: separation"), "wiener");
    method_->addItem(tr("Online anisotropic Wiener: separation"), "aw");
    method_->setToolTip(tr("The online method the stream runs through"));
    magnitudes_->addItem(tr("Magnitudes: the references, in step (oracle)"), "oracle");
    magnitudes_->addItem(tr("Magnitudes: NMF of the input (dictionaries learned on the references)"), "nmf");
    magnitudes_->setToolTip(tr("Where the separation's source magnitudes come from. NMF needs only the input, so it "
                               "also separates an audio input device."));
    kappa_->setRange(0, 50);
    kappa_->setDecimals(2);
    kappa_->setValue(1.0);
    kappa_->setToolTip(tr("Anisotropic Wiener: concentration of the source phases around their sinusoidal "
                          "prediction (0: the Wiener filter)"));
    lookahead_->setToolTip(tr("Look-ahead in frames: each frame adds one hop of latency"));
    lookahead_->setRange(0, 16);
    lookahead_->setValue(1);
    iterations_->setRange(-1, 100);
    iterations_->setSpecialValueText(tr("15/(K+1)"));
    iterations_->setValue(-1);
    iterations_->setToolTip(tr("Online MISI iterations per frame (15/(K+1): the work of 15 offline iterations)"));
    StftConfig c;
    c.windowLength = 2048;
    c.hop = 256;
    stft_->setConfig(c);
    startButton_->setToolTip(tr("Start or stop streaming the document's mixture as if it were live"));
    processed_->setChecked(true);
    for (QRadioButton* b : {processed_, original_, bypass_}) b->setToolTip(tr("What is heard (and recorded)"));
    load_->setRange(0, 100);
    load_->setFormat(tr("load %p %"));
    load_->setToolTip(tr("Processing time per block / the block's duration (100 % = no longer real time)"));
    latency_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    status_->setWordWrap(true);
    sourceLabel_->setObjectName("liveSource");
    sourceLabel_->setWordWrap(true);
    saveRecording_->setEnabled(false);

    // Controls in a scrolling column at the left, the four strips beside them (a wide, low dock).
    auto* controls = new QWidget;
    auto* column = new QVBoxLayout(controls);
    column->setContentsMargins(0, 0, 6, 0);
    column->addWidget(sourceLabel_);
    column->addWidget(input_);
    auto* form = new QGridLayout;
    form->addWidget(method_, 0, 0, 1, 4);
    form->addWidget(new QLabel(tr("Look-ahead"), this), 1, 0);
    form->addWidget(lookahead_, 1, 1);
    form->addWidget(new QLabel(tr("Iterations"), this), 1, 2);
    form->addWidget(iterations_, 1, 3);
    form->addWidget(magnitudes_, 2, 0, 1, 4);
    form->addWidget(new QLabel(tr("Kappa"), this), 3, 0);
    form->addWidget(kappa_, 3, 1);
    form->addWidget(stft_, 4, 0, 1, 4);
    column->addLayout(form);
    auto* monitor = new QHBoxLayout;
    monitor->addWidget(startButton_);
    monitor->addWidget(processed_);
    monitor->addWidget(original_);
    monitor->addWidget(bypass_);
    monitor->addStretch(1);
    column->addLayout(monitor);
    latency_->setWordWrap(true);
    column->addWidget(latency_);
    auto* meters = new QHBoxLayout;
    meters->addWidget(load_, 1);
    meters->addWidget(underruns_);
    column->addLayout(meters);
    auto* recording = new QHBoxLayout;
    recording->addWidget(record_);
    recording->addWidget(saveRecording_);
    recording->addStretch(1);
    column->addLayout(recording);
    column->addLayout(sourceRows_);
    column->addWidget(status_);
    column->addStretch(1);
    auto* scroll = new QScrollArea(this);
    scroll->setWidget(controls);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    scroll->setMinimumWidth(controls->sizeHint().width() + 16);

    auto* views = new QGridLayout;
    views->setSpacing(4);
    views->addWidget(inputLevels_, 0, 0);
    views->addWidget(outputLevels_, 0, 1);
    views->addWidget(inputPhase_, 1, 0);
    views->addWidget(outputPhase_, 1, 1);
    auto* layout = new QHBoxLayout(this);
    layout->addWidget(scroll, 0);
    layout->addLayout(views, 1);

    connect(method_, &QComboBox::currentIndexChanged, this, [this] {
        applyMethodDefaults();
        updateControls();
        rebuildSourceRows();
        parametersChanged();
    });
    connect(magnitudes_, &QComboBox::currentIndexChanged, this, [this] {
        updateControls();
        parametersChanged();
    });
    connect(kappa_, &QDoubleSpinBox::valueChanged, this, &LivePanel::parametersChanged);
    connect(learner_, &DictionaryLearner::learned, this, [this] {
        updateControls();
        parametersChanged();
        status_->setText(tr("NMF dictionaries learned: %1 sources × %2 components.%3")
                             .arg(learner_->dictionaries().size())
                             .arg(learner_->dictionaries().empty() ? 0 : learner_->dictionaries()[0].cols())
                             .arg(isRunning() ? tr(" The separation runs on them from the next block.") : QString()));
    });
    connect(learner_, &DictionaryLearner::failed, this, [this](const QString& reason) {
        status_->setText(tr("The NMF dictionaries could not be learned: %1").arg(reason));
        updateControls();
    });
    connect(lookahead_, &QSpinBox::valueChanged, this, &LivePanel::parametersChanged);
    connect(iterations_, &QSpinBox::valueChanged, this, &LivePanel::parametersChanged);
    connect(stft_, &StftChooser::changed, this, &LivePanel::parametersChanged);
    connect(startButton_, &QPushButton::clicked, this, [this] { isRunning() ? stop() : (void)start(); });
    for (QRadioButton* b : {processed_, original_, bypass_}) connect(b, &QRadioButton::toggled, this, &LivePanel::pushMix);
    connect(record_, &QCheckBox::toggled, this, &LivePanel::setRecording);
    connect(saveRecording_, &QPushButton::clicked, this, [this] {
        const QString path = askExportPath(this, tr("Save recording"), name_ + "-live.wav", tr("WAV (*.wav)"));
        if (path.isEmpty()) return;
        try {
            saveRecording(path);
            status_->setText(tr("Saved %1 s to %2").arg(double(recorded_.size()) / recordedChannels_ / runner_->sampleRate(), 0, 'f', 1).arg(path));
        } catch (const std::exception& e) {
            status_->setText(QString::fromStdString(e.what()));
        }
    });
    input_->setToolTip(tr("What streams: the document's mixture played as if it were live, or an audio input device"));
    connect(input_, &QComboBox::currentIndexChanged, this, [this] {
        stop();
        updateControls();
        updateLatency();
    });
    auto* devices = new QMediaDevices(this);
    connect(devices, &QMediaDevices::audioInputsChanged, this, &LivePanel::refreshInputs);
    refreshInputs();
    poll_->setInterval(33);
    connect(poll_, &QTimer::timeout, this, &LivePanel::poll);
    scratch_.resize(1 << 16);
    updateControls();
    rebuildSourceRows();
    updateLatency();
}

LivePanel::~LivePanel() { runner_->stop(); }

void LivePanel::setSource(std::shared_ptr<const Audio> mixture, const QString& name,
                          const std::vector<std::shared_ptr<const Audio>>& references, const QStringList& referenceNames) {
    if (!runner_->fromDevice()) stop();  // a stream from an input device goes on
    mixture_ = std::move(mixture);
    name_ = name;
    references_.clear();
    referenceNames_.clear();
    if (mixture_)
        for (std::size_t j = 0; j < references.size() && int(j) < stream::Mix::kMaxOutputs; ++j)
            if (references[j] && references[j]->frames() == mixture_->frames() && references[j]->sampleRate == mixture_->sampleRate) {
                references_.push_back(references[j]);
                referenceNames_ << (int(j) < referenceNames.size() ? referenceNames[int(j)] : tr("source %1").arg(j + 1));
            }
    if (!mixture_) sourceLabel_->setText(tr("Open an audio file: the Live mode streams it as if it were live."));
    else
        sourceLabel_->setText(tr("Source: %1, played as live and looping (%2 Hz%3)%4")
                                  .arg(name, QString::number(mixture_->sampleRate, 'f', 0),
                                       mixture_->channels() == 1 ? QString()
                                       : streamChannels() > 1    ? tr(", %1 channels, each through its own engine").arg(streamChannels())
                                                                 : tr(", mono downmix of %1 channels").arg(mixture_->channels()),
                                       references_.empty() ? tr(". No references: online separation needs them (as "
                                                                "oracle magnitudes or to learn NMF dictionaries).")
                                                           : tr(", with %1 references (oracle magnitudes, or NMF "
                                                                "training)").arg(references_.size())));
    for (ScrollingTfView* v : {inputLevels_, outputLevels_, inputPhase_, outputPhase_}) v->clear();
    recorded_.clear();
    saveRecording_->setEnabled(false);
    updateControls();
    rebuildSourceRows();
    updateLatency();
    ensureDictionaries();
}

void LivePanel::setAudioOutputEnabled(bool enabled) { audioOutput_ = enabled; }

bool LivePanel::isRunning() const { return runner_->isRunning(); }

void LivePanel::refreshInputs() {
    const QByteArray current = input_->currentData().toByteArray();
    const QSignalBlocker block(input_);
    input_->clear();
    input_->addItem(tr("The document, played as live"), QByteArray());
    for (const QAudioDevice& d : QMediaDevices::audioInputs()) input_->addItem(tr("Input: %1").arg(d.description()), d.id());
    const int i = input_->findData(current);
    input_->setCurrentIndex(i >= 0 ? i : 0);
}

bool LivePanel::fromDevice() const { return !input_->currentData().toByteArray().isEmpty(); }

void LivePanel::selectInput(const QByteArray& deviceId) {
    refreshInputs();
    const int i = input_->findData(deviceId);
    if (i >= 0) input_->setCurrentIndex(i);
}

QList<QByteArray> LivePanel::inputIds() const {
    QList<QByteArray> ids;
    for (int i = 0; i < input_->count(); ++i) ids << input_->itemData(i).toByteArray();
    return ids;
}

QString LivePanel::method() const { return method_->currentData().toString(); }

void LivePanel::selectMethod(const QString& id) {
    const int i = method_->findData(id);
    if (i >= 0) method_->setCurrentIndex(i);
}

void LivePanel::setLookahead(int frames) { lookahead_->setValue(frames); }
void LivePanel::setNmfMagnitudes(bool nmf) { magnitudes_->setCurrentIndex(magnitudes_->findData(nmf ? "nmf" : "oracle")); }
bool LivePanel::nmfReady() const { return learner_->isReady(dictionaryKey()); }
void LivePanel::setIterations(int iterations) { iterations_->setValue(iterations); }

void LivePanel::setMonitor(stream::Monitor monitor) {
    (monitor == stream::Monitor::Processed ? processed_ : monitor == stream::Monitor::Original ? original_ : bypass_)->setChecked(true);
}

void LivePanel::setSourceGain(int output, double gainDb) {
    if (output >= 0 && output < int(rows_.size())) rows_[std::size_t(output)].gain->setValue(gainDb);
}
void LivePanel::setSourceMuted(int output, bool muted) {
    if (output >= 0 && output < int(rows_.size())) rows_[std::size_t(output)].mute->setChecked(muted);
}
void LivePanel::setSolo(int output) {
    for (int j = 0; j < int(rows_.size()); ++j) rows_[std::size_t(j)].solo->setChecked(j == output);
}

bool LivePanel::separation() const { return method() == "omisi" || method() == "wiener" || method() == "aw"; }

bool LivePanel::usesNmf() const { return separation() && magnitudes_->currentData().toString() == "nmf"; }

QString LivePanel::dictionaryKey() const {
    QString key = QString::fromStdString(stft_->config().describe()) + "|" + name_;
    for (const auto& r : references_) key += "|" + QString::number(quintptr(r.get()));
    return key;
}

void LivePanel::ensureDictionaries() {
    if (!usesNmf() || references_.empty()) return;
    const QString key = dictionaryKey();
    if (learner_->isReady(key) || (learner_->isLearning() && learner_->key() == key)) return;
    nmf::SupervisedNmfParams params;
    params.learnIterations = 100;
    learner_->learn(references_, stft_->config(), params, key);
    status_->setText(tr("Learning NMF dictionaries from the %1 references (at most 30 s each)…").arg(references_.size()));
    updateControls();
}

void LivePanel::applyMethodDefaults() {
    const QSignalBlocker a(lookahead_), b(iterations_);
    const QString m = method();
    updateControls();
    if (m == "rtisi-la") lookahead_->setValue(2);
    else if (m != "wiener" && m != "aw") lookahead_->setValue(1);
    if (m == "rtisi-la" || m == "gsrtisi-la") iterations_->setValue(12);
    else iterations_->setValue(-1);
}

int LivePanel::streamChannels() const {
    return mixture_ && mixture_->channels() <= stream::LiveChain::kMaxChannels ? mixture_->channels() : 1;
}

std::vector<Eigen::ArrayXf> LivePanel::sourceSignals() const {
    const int C = streamChannels();
    std::vector<Eigen::ArrayXf> s;
    for (int c = 0; c < C; ++c) {
        const int channel = C == 1 ? -1 : c;  // a mono reference serves every channel
        s.push_back(mixture_->channelOrOnly(channel));
        if (separation() && !usesNmf())
            for (const auto& r : references_) s.push_back(r->channelOrOnly(channel));
    }
    return s;
}

std::unique_ptr<stream::LiveChain> LivePanel::makeChain() const {
    std::vector<std::unique_ptr<stream::StreamEngine>> engines;  // one per channel, each with its own state
    for (int k = 0; k < streamChannels(); ++k) {
        const StftConfig c = stft_->config();
        std::unique_ptr<stream::FrameProcessor> p;
        const int J = int(references_.size());
        const QString m = method();
        if (m == "rtpghi") {
            p = std::make_unique<stream::RtpghiProcessor>(c, stream::RtpghiParams{lookahead_->value(), 1e-6, 0});
        } else if (m == "rtisi-la" || m == "gsrtisi-la") {
            stream::RtisiLaParams rp;
            rp.lookahead = lookahead_->value();
            rp.iterations = iterations_->value();
            if (m == "gsrtisi-la") {
                rp.variant = stream::RtisiLaParams::Variant::GsRtisiLa;
                rp.start = stream::RtisiLaParams::Start::Rtpghi1;
            }
            p = std::make_unique<stream::RtisiLaProcessor>(c, rp);
        } else if (m == "omisi") {
            p = std::make_unique<stream::OnlineMisiProcessor>(c, J, stream::OnlineMisiParams{lookahead_->value(), iterations_->value()});
        } else if (m == "aw") {
            p = std::make_unique<stream::OnlineAwProcessor>(c, J, kappa_->value());
        } else {
            p = std::make_unique<stream::OnlineWienerProcessor>(c, J);
        }
        if (usesNmf()) {
            if (!learner_->isReady(dictionaryKey())) throw InputError("the NMF dictionaries are not learned yet");
            p = std::make_unique<stream::NmfSeparationProcessor>(
                std::make_unique<stream::NmfFrameModel>(learner_->dictionaries(), stream::NmfFrameParams{}), std::move(p));
        }
        engines.push_back(std::make_unique<stream::StreamEngine>(c, std::move(p)));
    }
    return std::make_unique<stream::LiveChain>(std::move(engines), kBlock);
}

bool LivePanel::start() {
    problem_.clear();
    if (usesNmf() && !learner_->isReady(dictionaryKey()))
        problem_ = references_.empty() ? tr("NMF magnitudes need dictionaries: open a file with its references to learn them.")
                                       : tr("The NMF dictionaries are still being learned: start again in a moment.");
    else if (fromDevice() && separation() && !usesNmf())
        problem_ = tr("An input device gives one stream: separation on it needs the NMF magnitudes (dictionaries "
                      "learned on a document's references), not the references played in step.");
    if (!problem_.isEmpty()) {
        status_->setText(problem_);
        ensureDictionaries();
        return false;
    }
    if (fromDevice()) {
        QAudioDevice device;
        for (const QAudioDevice& d : QMediaDevices::audioInputs())
            if (d.id() == input_->currentData().toByteArray()) device = d;
        try {
            const double rate = device.isNull() ? 0 : device.preferredFormat().sampleRate();
            configureViews(rate);
            runningInputs_ = 1;
            runner_->startFromDevice(device, rate, makeChain(), audioOutput_);
        } catch (const std::exception& e) {
            problem_ = QString::fromStdString(e.what());
            status_->setText(problem_);
            return false;
        }
        began(tr("Streaming from %1. %2").arg(device.description(), runner_->outputStatus()));
        return true;
    }
    if (!mixture_ || mixture_->frames() == 0) problem_ = tr("Open an audio file first: the Live mode streams it.");
    else if (separation() && references_.empty())
        problem_ = tr("Online separation needs the sources' magnitudes: open a file with its references.");
    if (!problem_.isEmpty()) {
        status_->setText(problem_);
        return false;
    }
    try {
        configureViews(mixture_->sampleRate);
        auto streams = sourceSignals();
        runningInputs_ = int(streams.size());
        runner_->start({std::move(streams), mixture_->sampleRate, streamChannels()}, makeChain(), audioOutput_);
    } catch (const std::exception& e) {
        problem_ = QString::fromStdString(e.what());
        status_->setText(problem_);
        return false;
    }
    began(runner_->outputStatus().isEmpty() ? tr("Streaming to the audio output.") : runner_->outputStatus());
    return true;
}

void LivePanel::configureViews(double sampleRate) {
    const StftConfig c = stft_->config();
    for (ScrollingTfView* v : {inputLevels_, outputLevels_, inputPhase_, outputPhase_}) v->configure(c, sampleRate);
}

void LivePanel::began(const QString& status) {
    pushMix();
    poll_->start();
    status_->setText(status);
    updateControls();
    updateLatency();
    emit runningChanged(true);
}

void LivePanel::stop() {
    if (!runner_->isRunning()) return;
    runner_->stop();
    poll();
    poll_->stop();
    runner_->collect();
    status_->setText(tr("Stopped after %1 s.").arg(runner_->seconds(), 0, 'f', 1));
    updateControls();
    emit runningChanged(false);
}

void LivePanel::parametersChanged() {
    updateLatency();
    ensureDictionaries();
    if (!isRunning()) return;
    if (usesNmf() && !learner_->isReady(dictionaryKey())) return;  // the new chain follows once they are learned
    try {
        if (!fromDevice() && int(sourceSignals().size()) != runningInputs_) {  // recovery <-> separation: other streams
            stop();
            start();
            return;
        }
        configureViews(runner_->sampleRate());
        runner_->replaceChain(makeChain());
        status_->setText(tr("Parameters changed while streaming: the new chain runs from the next block."));
    } catch (const std::exception& e) {
        status_->setText(QString::fromStdString(e.what()));
    }
}

void LivePanel::updateControls() {
    const QString m = method();
    const QSignalBlocker block(lookahead_), blockIterations(iterations_);
    if (m == "rtpghi") lookahead_->setRange(0, 1);
    else if (m == "rtisi-la" || m == "omisi") lookahead_->setRange(0, 16);
    else if (m == "gsrtisi-la") lookahead_->setRange(1, 16);
    else lookahead_->setRange(0, 0);
    lookahead_->setEnabled(m != "wiener" && m != "aw");
    const bool rtisi = m == "rtisi-la" || m == "gsrtisi-la";
    iterations_->setRange(rtisi ? 1 : -1, 100);
    iterations_->setSpecialValueText(rtisi ? QString() : tr("15/(K+1)"));
    iterations_->setEnabled(rtisi || m == "omisi");
    iterations_->setToolTip(rtisi ? tr("Passes over the look-ahead frames for each new frame")
                                  : tr("Online MISI iterations per frame (15/(K+1): the work of 15 offline iterations)"));
    lookahead_->setToolTip(m == "gsrtisi-la" ? tr("Look-ahead k of GSRTISI-LA in frames; the RTPGHI(1) start adds one more")
                                             : tr("Look-ahead in frames: each frame adds one hop of latency"));
    magnitudes_->setEnabled(separation());
    kappa_->setEnabled(m == "aw");
    const bool sep = separation(), nmfReady = !usesNmf() || learner_->isReady(dictionaryKey());
    startButton_->setText(isRunning() ? tr("Stop") : tr("Start"));
    startButton_->setEnabled(isRunning() || (nmfReady && (fromDevice() ? !sep || usesNmf()
                                                                        : mixture_ && (!sep || !references_.empty()))));
}

void LivePanel::rebuildSourceRows() {
    while (QLayoutItem* item = sourceRows_->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    rows_.clear();
    QStringList names;
    if (!separation()) names << tr("recovered");
    else names = referenceNames_;
    for (int j = 0; j < names.size(); ++j) {
        auto* label = new QLabel(names[j], this);
        auto* gain = new QDoubleSpinBox(this);
        gain->setRange(-60, 12);
        gain->setSuffix(tr(" dB"));
        gain->setToolTip(tr("Gain of %1 in what is heard").arg(names[j]));
        auto* mute = new QCheckBox(tr("mute"), this);
        auto* solo = new QCheckBox(tr("solo"), this);
        sourceRows_->addWidget(label, j, 0);
        sourceRows_->addWidget(gain, j, 1);
        sourceRows_->addWidget(mute, j, 2);
        sourceRows_->addWidget(solo, j, 3);
        rows_.push_back({gain, mute, solo});
        connect(gain, &QDoubleSpinBox::valueChanged, this, &LivePanel::pushMix);
        connect(mute, &QCheckBox::toggled, this, &LivePanel::pushMix);
        connect(solo, &QCheckBox::toggled, this, [this, j](bool on) {
            if (on)
                for (int k = 0; k < int(rows_.size()); ++k)
                    if (k != j) {
                        const QSignalBlocker b(rows_[std::size_t(k)].solo);
                        rows_[std::size_t(k)].solo->setChecked(false);
                    }
            pushMix();
        });
    }
    pushMix();
}

void LivePanel::pushMix() {
    stream::Mix mix;
    mix.monitor = original_->isChecked() ? stream::Monitor::Original
                  : bypass_->isChecked() ? stream::Monitor::Bypass
                                         : stream::Monitor::Processed;
    for (int j = 0; j < int(rows_.size()) && j < stream::Mix::kMaxOutputs; ++j) {
        mix.gain[std::size_t(j)] = float(std::pow(10.0, rows_[std::size_t(j)].gain->value() / 20.0));
        mix.muted[std::size_t(j)] = rows_[std::size_t(j)].mute->isChecked();
        if (rows_[std::size_t(j)].solo->isChecked()) mix.solo = j;
    }
    runner_->setMix(mix);
}

int LivePanel::lookaheadFrames() const {
    const QString m = method();
    if (m == "wiener" || m == "aw") return 0;
    return lookahead_->value() + (m == "gsrtisi-la" ? 1 : 0);
}

int LivePanel::latencySamples() const {
    const StftConfig c = stft_->config();
    return c.windowLength + lookaheadFrames() * c.hop;
}

void LivePanel::updateLatency() {
    const StftConfig c = stft_->config();
    const int K = lookaheadFrames();
    const double rate = isRunning() ? runner_->sampleRate() : mixture_ ? mixture_->sampleRate : 0;
    QString text = tr("Latency %1 samples").arg(latencySamples());
    if (rate > 0) text += tr(" = %1 ms").arg(1000.0 * latencySamples() / rate, 0, 'f', 1);
    text += tr(" (window %1 + %2 × hop %3%4)")
                .arg(c.windowLength)
                .arg(K)
                .arg(c.hop)
                .arg(method() == "gsrtisi-la" ? tr(": look-ahead %1 + 1 for the RTPGHI start").arg(K - 1) : QString());
    if (isRunning() && rate > 0) {
        text += tr(", + blocks of %1 ms").arg(1000.0 * kBlock / rate, 0, 'f', 1);
        if (runner_->outputStatus().isEmpty())
            text += tr(" + the output queue (%1 ms) and the device's buffer (100 ms)").arg(1000.0 * LiveRunner::queuedAhead() / rate, 0, 'f', 1);
    }
    latency_->setText(text);
}

QString LivePanel::latencyText() const { return latency_->text(); }
QString LivePanel::statusText() const { return status_->text(); }

void LivePanel::setRecording(bool on) {
    if (record_->isChecked() != on) record_->setChecked(on);
    if (on) {
        recorded_.clear();
        recordedChannels_ = runner_->channels();
    }
    saveRecording_->setEnabled(!on && !recorded_.empty());
}

void LivePanel::saveRecording(const QString& path) const {
    if (recorded_.empty()) throw InputError("nothing was recorded");
    const Eigen::Index C = recordedChannels_, frames = Eigen::Index(recorded_.size()) / C;
    Audio a;
    a.sampleRate = runner_->sampleRate();
    a.data = Eigen::Map<const Eigen::Array<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(recorded_.data(), frames, C);
    writeAudio(path.toStdString(), a, SampleFormat::Float32);
}

void LivePanel::poll() {
    runner_->collect();
    for (std::size_t n; (n = runner_->takeInput(scratch_.data(), scratch_.size())) > 0;) {
        inputLevels_->push(scratch_.data(), n);
        inputPhase_->push(scratch_.data(), n);
    }
    const std::size_t C = std::size_t(runner_->channels());
    for (std::size_t n; (n = runner_->takeHeard(scratch_.data(), scratch_.size())) > 0;) {
        if (record_->isChecked() && recorded_.empty()) recordedChannels_ = int(C);
        if (record_->isChecked() && C == std::size_t(recordedChannels_))
            recorded_.insert(recorded_.end(), scratch_.begin(), scratch_.begin() + std::ptrdiff_t(n));
        if (C > 1) {  // the views show the mean of the channels
            for (std::size_t f = 0; f < n / C; ++f) {
                float sum = 0;
                for (std::size_t c = 0; c < C; ++c) sum += scratch_[f * C + c];
                scratch_[f] = sum / float(C);
            }
            n /= C;
        }
        outputLevels_->push(scratch_.data(), n);
        outputPhase_->push(scratch_.data(), n);
    }
    const double peak = runner_->takePeakLoad();
    load_->setValue(int(std::lround(std::min(100.0, 100.0 * runner_->load()))));
    load_->setFormat(tr("load %1 % (peak %2 %)").arg(100.0 * runner_->load(), 0, 'f', 1).arg(100.0 * peak, 0, 'f', 1));
    underruns_->setText(runner_->outputStatus().isEmpty() ? tr("underruns: %1").arg(runner_->underruns()) : tr("no output"));
    updateLatency();
}

}  // namespace phaselab
