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
    splitter_ = new QSplitter(Qt::Vertical, this);
    splitter_->addWidget(waveform_);
    splitter_->addWidget(spectrogram_);
    splitter_->setStretchFactor(0, 1);
    splitter_->setStretchFactor(1, 4);
    splitter_->setHandleWidth(4);
    splitter_->setChildrenCollapsible(false);
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
        spectrogram_->setSignal(p.waveform->samples, p.waveform->sampleRate);
        emit monoReady(p.mono, p.waveform->sampleRate);
    });
    watcher->setFuture(QtConcurrent::run([shared, which] {
        // The one viewed signal of this audio, made off the GUI thread and shared by every pane; the
        // channels' waveform lanes read the audio itself.
        std::shared_ptr<const Eigen::ArrayXf> mono;
        try {
            mono = std::make_shared<const Eigen::ArrayXf>(phaselab::channelView(*shared, which));
        } catch (const std::exception&) {  // a view this audio lacks (cannot be chosen): the mix
            mono = std::make_shared<const Eigen::ArrayXf>(shared->mono());
        }
        Prepared p{mono, WaveformData::make(monoSamples(mono), shared->sampleRate), {}};
        if (shared->channels() > 1)
            for (int c = 0; c < shared->channels(); ++c)
                p.lanes.push_back(WaveformData::make(channelSamples(shared, c), shared->sampleRate));
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
    QList<int> sizes{100, 400};
    while (sizes.size() < splitter_->count() - 1) sizes << 300;
    sizes << stretch * 100;
    splitter_->setSizes(sizes);
}

bool AudioView::isReady() const { return audio_ && waveform_->data() && spectrogram_->isUpToDate(); }

bool AudioView::exportSpectrogramPng(const QString& path) const {
    try {
        writePng(spectrogram_->grab().toImage(), path);
        return true;
    } catch (const std::exception&) {
        return false;
    }
}

}  // namespace phaselab
