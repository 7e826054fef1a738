#include "widgets/audio_view.h"

#include <QFutureWatcher>
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
    ++generation_;
    waveform_->setData(nullptr);
    overview_->setData(nullptr);
    if (!audio_ || audio_->frames() == 0) {
        spectrogram_->setSignal(nullptr, 0);
        return;
    }
    view_->reset(audio_->duration(), audio_->sampleRate / 2);
    const quint64 gen = generation_;
    auto shared = audio_;
    struct Prepared {
        std::shared_ptr<const Eigen::ArrayXf> mono;
        std::shared_ptr<const WaveformData> waveform;
    };
    auto* watcher = new QFutureWatcher<Prepared>(this);
    connect(watcher, &QFutureWatcher<Prepared>::finished, this, [this, watcher, gen] {
        watcher->deleteLater();
        if (gen != generation_) return;
        const Prepared p = watcher->result();
        waveform_->setData(p.waveform);
        overview_->setData(p.waveform);
        spectrogram_->setSignal(p.waveform->samples, p.waveform->sampleRate);
        emit monoReady(p.mono, p.waveform->sampleRate);
    });
    watcher->setFuture(QtConcurrent::run([shared] {
        // The one mono signal of this audio (its channel, or the mixdown), made off the GUI thread
        // and shared by every pane.
        auto mono = std::make_shared<Eigen::ArrayXf>();
        resizeLarge(*mono, shared->frames(), 1);
        if (shared->channels() == 1) *mono = shared->data.col(0);
        else *mono = shared->data.rowwise().mean();
        return Prepared{mono, WaveformData::make(monoSamples(std::shared_ptr<const Eigen::ArrayXf>(mono)), shared->sampleRate)};
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
