#include "widgets/audio_view.h"

#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QVBoxLayout>
#include <QtConcurrent>

#include "core/common/memory.h"
#include "widgets/export_file.h"

namespace phaselab {

AudioView::AudioView(QWidget* parent) : QWidget(parent), view_(new ViewManager(this)) {
    banner_ = new QLabel(this);
    banner_->setWordWrap(true);
    banner_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    banner_->hide();
    channelRow_ = new QWidget(this);
    channel_ = new QComboBox(channelRow_);
    channel_->setToolTip(tr("What the spectrogram, phase and histogram panes show of a multichannel file"));
    auto* row = new QHBoxLayout(channelRow_);
    row->setContentsMargins(TimePane::kAxisWidth - 40, 2, 0, 2);
    row->addWidget(new QLabel(tr("Channel"), channelRow_));
    row->addWidget(channel_);
    row->addStretch(1);
    channelRow_->hide();
    connect(channel_, &QComboBox::activated, this, [this] { prepare(); });
    overview_ = new OverviewStrip(view_, this);
    ruler_ = new TimeRuler(view_, this);
    waveform_ = new WaveformPane(view_, this);
    spectrogram_ = new SpectrogramPane(view_, this);
    spectrograms_ = new QSplitter(Qt::Vertical, this);
    spectrograms_->setHandleWidth(3);
    spectrograms_->setChildrenCollapsible(false);
    spectrograms_->addWidget(spectrogram_);
    splitter_ = new QSplitter(Qt::Vertical, this);
    splitter_->addWidget(waveform_);
    splitter_->addWidget(spectrograms_);
    splitter_->setStretchFactor(0, 1);
    splitter_->setStretchFactor(1, 4);
    splitter_->setHandleWidth(4);
    splitter_->setChildrenCollapsible(false);
    splitter_->setSizes({100, 400});
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(1);
    layout->addWidget(banner_);
    layout->addWidget(channelRow_);
    layout->addWidget(overview_);
    layout->addWidget(ruler_);
    layout->addWidget(splitter_, 1);
    connect(spectrogram_, &SpectrogramPane::rendered, this, [this] {
        if (isReady()) emit ready();
    });
    connect(spectrogram_, &SpectrogramPane::computeFailed, this, [this](const QString& m) {
        showMessage(tr("Spectrogram: %1").arg(m), MessageKind::Error);
    });
    connect(spectrogram_, &SpectrogramPane::settingsChanged, this, [this] {
        for (SpectrogramPane* pane : channelSpectrograms_) pane->copySettingsFrom(*spectrogram_);
    });
}

void AudioView::setChannelSpectrograms(const std::vector<std::shared_ptr<const WaveformData>>& lanes, const QStringList& names) {
    const std::size_t extra = lanes.size() > 1 ? lanes.size() - 1 : 0;
    while (channelSpectrograms_.size() > extra) {
        delete channelSpectrograms_.back();
        channelSpectrograms_.pop_back();
    }
    while (channelSpectrograms_.size() < extra) {
        auto* pane = new SpectrogramPane(view_, spectrograms_);
        pane->copySettingsFrom(*spectrogram_);
        connect(pane, &SpectrogramPane::rendered, this, [this] {
            if (isReady()) emit ready();
        });
        connect(pane, &SpectrogramPane::readout, spectrogram_, &SpectrogramPane::readout);
        spectrograms_->addWidget(pane);
        channelSpectrograms_.push_back(pane);
    }
    for (std::size_t c = 0; c < extra; ++c) {
        channelSpectrograms_[c]->setCornerLabel(names.value(int(c) + 1));
        channelSpectrograms_[c]->setSignal(lanes[c + 1]->samples, lanes[c + 1]->sampleRate);
    }
    spectrogram_->setCornerLabel(extra > 0 ? names.value(0) : QString());
    const int minimum = extra > 0 ? 60 : 150;  // stacked panes share the height the window has
    spectrogram_->setMinimumHeight(minimum);
    for (SpectrogramPane* pane : channelSpectrograms_) pane->setMinimumHeight(minimum);
    if (extra > 0) spectrograms_->setSizes(QList<int>(qsizetype(extra + 1), 100));
}

AudioView::~AudioView() = default;

void AudioView::setAudio(std::shared_ptr<const Audio> audio) {
    emit audioChanged(audio);
    audio_ = std::move(audio);
    const QString kept = channelView();
    channel_->clear();
    const int channels = audio_ ? audio_->channels() : 0;
    if (channels > 1) {
        channel_->addItem(tr("Mix (mean of %1 channels)").arg(channels), "mono");
        if (channels == 2) {
            channel_->addItem(tr("Left"), "left");
            channel_->addItem(tr("Right"), "right");
            channel_->addItem(tr("Mid (L + R) / 2"), "mid");
            channel_->addItem(tr("Side (L \u2212 R) / 2"), "side");
        } else {
            for (int c = 1; c <= channels; ++c) channel_->addItem(tr("Channel %1").arg(c), QString::number(c));
        }
        channel_->addItem(tr("Each channel, stacked"), "stacked");
        channel_->setCurrentIndex(std::max(0, channel_->findData(kept)));
    }
    channelRow_->setVisible(channels > 1);
    if (audio_ && audio_->frames() > 0) view_->reset(audio_->duration(), audio_->sampleRate / 2);
    prepare();
}

QString AudioView::channelView() const { return channel_->count() > 0 ? channel_->currentData().toString() : QString("mono"); }

void AudioView::setChannelView(const QString& view) {
    const int i = channel_->findData(view);
    if (i < 0 || i == channel_->currentIndex()) return;
    channel_->setCurrentIndex(i);
    prepare();
}

void AudioView::prepare() {
    ++generation_;
    waveform_->setData(nullptr);
    waveform_->setLanes({}, {});
    overview_->setData(nullptr);
    if (!audio_ || audio_->frames() == 0) {
        setChannelSpectrograms({}, {});
        spectrogram_->setSignal(nullptr, 0);
        return;
    }
    const quint64 gen = generation_;
    auto shared = audio_;
    const std::string which = channelView().toStdString();
    struct Prepared {
        std::shared_ptr<const Eigen::ArrayXf> mono;
        std::shared_ptr<const WaveformData> waveform;
        std::vector<std::shared_ptr<const WaveformData>> lanes;
        bool stacked = false;
        std::vector<std::shared_ptr<const Eigen::ArrayXf>> channels;  // stacked only
    };
    auto* watcher = new QFutureWatcher<Prepared>(this);
    connect(watcher, &QFutureWatcher<Prepared>::finished, this, [this, watcher, gen] {
        watcher->deleteLater();
        if (gen != generation_) return;
        const Prepared p = watcher->result();
        waveform_->setData(p.waveform);
        QStringList names;
        if (p.lanes.size() == 2) names = QStringList{"L", "R"};
        else
            for (std::size_t c = 0; c < p.lanes.size(); ++c) names << QString::number(c + 1);
        waveform_->setLanes(p.lanes, names);
        overview_->setData(p.waveform);
        const double rate = p.waveform->sampleRate;
        setChannelSpectrograms(p.stacked ? p.lanes : decltype(p.lanes){}, names);
        spectrogram_->setSignal(p.stacked ? p.lanes[0]->samples : p.waveform->samples, rate);
        emit channelsReady(p.channels, p.stacked ? names : QStringList{}, rate);
        emit monoReady(p.stacked ? p.channels[0] : p.mono, rate);
    });
    watcher->setFuture(QtConcurrent::run([shared, which] {
        // The one viewed signal of this audio (stacked: every channel), made off the GUI thread and
        // shared by every pane; the channels' waveform lanes read the audio itself.
        Prepared p;
        p.stacked = which == "stacked" && shared->channels() > 1;
        try {
            p.mono = std::make_shared<const Eigen::ArrayXf>(p.stacked ? shared->mono() : phaselab::channelView(*shared, which));
        } catch (const std::exception&) {  // a view this audio lacks (cannot be chosen): the mix
            p.mono = std::make_shared<const Eigen::ArrayXf>(shared->mono());
        }
        p.waveform = WaveformData::make(monoSamples(p.mono), shared->sampleRate);
        if (shared->channels() > 1)
            for (int c = 0; c < shared->channels(); ++c)
                p.lanes.push_back(WaveformData::make(channelSamples(shared, c), shared->sampleRate));
        if (p.stacked)
            for (int c = 0; c < shared->channels(); ++c) p.channels.push_back(std::make_shared<const Eigen::ArrayXf>(shared->channel(c)));
        return p;
    }));
}

void AudioView::showMessage(const QString& text, MessageKind kind) {
    banner_->setText(text);
    const char* style =
        kind == MessageKind::Error     ? "QLabel { background: #4a2326; color: #ffd7d2; padding: 8px 12px; border-left: 4px solid #e5534b; }"
        : kind == MessageKind::Warning ? "QLabel { background: #4a3b1c; color: #ffe9b8; padding: 8px 12px; border-left: 4px solid #d29922; }"
                                       : "QLabel { background: #223047; color: #d8e6ff; padding: 8px 12px; border-left: 4px solid #539bf5; }";
    banner_->setStyleSheet(style);
    banner_->show();
}

void AudioView::clearMessage() {
    banner_->clear();
    banner_->hide();
}

QString AudioView::messageText() const { return banner_->isHidden() ? QString() : banner_->text(); }

void AudioView::addPane(QWidget* pane, int stretch) {
    splitter_->addWidget(pane);
    splitter_->setStretchFactor(splitter_->count() - 1, stretch);
    // Initial heights in proportion to the stretch factors (waveform 1, spectrogram 4).
    QList<int> sizes{100, 400};  // the waveform, the spectrogram(s)
    while (sizes.size() < splitter_->count() - 1) sizes << 300;
    sizes << stretch * 100;
    splitter_->setSizes(sizes);
}

bool AudioView::isReady() const {
    if (!audio_ || !waveform_->data() || !spectrogram_->isUpToDate()) return false;
    return std::all_of(channelSpectrograms_.begin(), channelSpectrograms_.end(), [](const SpectrogramPane* p) { return p->isUpToDate(); });
}

bool AudioView::exportSpectrogramPng(const QString& path) const {
    try {
        writePng((channelSpectrograms_.empty() ? static_cast<QWidget*>(spectrogram_) : spectrograms_)->grab().toImage(), path);
        return true;
    } catch (const std::exception&) {
        return false;
    }
}

}  // namespace phaselab
