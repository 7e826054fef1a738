#include "widgets/spectrogram_controls.h"

#include <QElapsedTimer>
#include <QStandardItemModel>
#include <QFormLayout>
#include <QGroupBox>
#include <QPainter>
#include <QPushButton>
#include <QVBoxLayout>
#include <cmath>
#include <memory>

namespace phaselab {

ColorBar::ColorBar(QWidget* parent) : QWidget(parent) { setMinimumHeight(40); }

void ColorBar::setStyle(const SpectrogramStyle& style) {
    style_ = style;
    update();
}

void ColorBar::paintEvent(QPaintEvent*) {
    QPainter p(this);
    const QFontMetrics fm(font());
    const QRect bar(6, 2, width() - 12, height() - fm.height() - 8);
    const Colormap& cmap = Colormap::get(style_.colormap);
    for (int x = 0; x < bar.width(); ++x) {
        p.setPen(QColor(cmap.at(float(x) / float(std::max(1, bar.width() - 1)))));
        p.drawLine(bar.left() + x, bar.top(), bar.left() + x, bar.bottom());
    }
    p.setPen(palette().color(QPalette::Mid));
    p.drawRect(bar.adjusted(0, 0, -1, -1));
    p.setPen(palette().color(QPalette::WindowText));
    for (int k = 0; k <= 4; ++k) {
        const double db = style_.topDb - style_.rangeDb * (4 - k) / 4.0;
        const int x = bar.left() + int(std::lround(bar.width() * k / 4.0));
        p.drawLine(x, bar.bottom(), x, bar.bottom() + 3);
        const QString label = QString::number(db, 'f', 0) + (k == 4 ? " dBFS" : "");
        const int w = fm.horizontalAdvance(label);
        p.drawText(std::clamp(x - w / 2, 0, width() - w), bar.bottom() + 4 + fm.ascent(), label);
    }
}

// Only valid settings are offered: hops above half the window and FFT sizes below it are disabled.
static void offerValidStft(QComboBox* length, QComboBox* hop, QComboBox* fft) {
    const int n = length->currentData().toInt();
    auto* hops = qobject_cast<QStandardItemModel*>(hop->model());
    auto* ffts = qobject_cast<QStandardItemModel*>(fft->model());
    for (int i = 0; i < hop->count(); ++i) hops->item(i)->setEnabled(hop->itemData(i).toInt() <= n / 2);
    for (int i = 0; i < fft->count(); ++i) ffts->item(i)->setEnabled(fft->itemData(i).toInt() >= n);
}

static QComboBox* numberBox(const QList<int>& values, int current, QWidget* parent) {
    auto* box = new QComboBox(parent);
    for (int v : values) box->addItem(QString::number(v), v);
    box->setCurrentIndex(std::max(0, box->findData(current)));
    return box;
}

SpectrogramControls::SpectrogramControls(SpectrogramPane* pane, QWidget* parent) : QWidget(parent), pane_(pane) {
    ViewManager* view = pane->view();
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 8, 8, 8);
    layout->setSpacing(10);

    auto* axisBox = new QGroupBox(tr("Frequency axis"), this);
    auto* axisForm = new QFormLayout(axisBox);
    scale_ = new QComboBox(axisBox);
    scale_->addItem(tr("Linear"), int(FrequencyScale::Linear));
    scale_->addItem(tr("Logarithmic"), int(FrequencyScale::Log));
    scale_->addItem(tr("Mel"), int(FrequencyScale::Mel));
    minHz_ = new QDoubleSpinBox(axisBox);
    maxHz_ = new QDoubleSpinBox(axisBox);
    for (auto* s : {minHz_, maxHz_}) {
        s->setDecimals(0);
        s->setRange(0, 96000);
        s->setSuffix(" Hz");
        s->setKeyboardTracking(false);
    }
    auto* resetAxis = new QPushButton(tr("Full range"), axisBox);
    resetAxis->setToolTip(tr("Show all frequencies (wheel over the frequency axis zooms vertically)"));
    axisForm->addRow(tr("Scale"), scale_);
    axisForm->addRow(tr("Lowest"), minHz_);
    axisForm->addRow(tr("Highest"), maxHz_);
    axisForm->addRow(QString(), resetAxis);
    layout->addWidget(axisBox);

    auto* levelBox = new QGroupBox(tr("Levels"), this);
    auto* levelForm = new QFormLayout(levelBox);
    topDb_ = new QDoubleSpinBox(levelBox);
    topDb_->setRange(-120, 40);
    topDb_->setSuffix(" dBFS");
    topDb_->setDecimals(0);
    topDb_->setValue(pane->style().topDb);
    topDb_->setToolTip(tr("Level shown with the brightest colour"));
    rangeDb_ = new QDoubleSpinBox(levelBox);
    rangeDb_->setRange(10, 200);
    rangeDb_->setSuffix(" dB");
    rangeDb_->setDecimals(0);
    rangeDb_->setValue(pane->style().rangeDb);
    rangeDb_->setToolTip(tr("Levels more than this below the top are shown with the darkest colour"));
    colormap_ = new QComboBox(levelBox);
    for (const QString& name : Colormap::names())
        if (name != "twilight") colormap_->addItem(name);
    colormap_->setCurrentText(Colormap::name(pane->style().colormap));
    bar_ = new ColorBar(levelBox);
    levelForm->addRow(tr("Top"), topDb_);
    levelForm->addRow(tr("Range"), rangeDb_);
    levelForm->addRow(tr("Colours"), colormap_);
    levelForm->addRow(bar_);
    layout->addWidget(levelBox);

    auto* stftBox = new QGroupBox(tr("STFT"), this);
    auto* stftForm = new QFormLayout(stftBox);
    const StftConfig cfg = pane->stftConfig();
    window_ = new QComboBox(stftBox);
    for (WindowType w : allWindows()) window_->addItem(windowName(w), int(w));
    window_->setCurrentIndex(window_->findData(int(cfg.window)));
    length_ = numberBox({256, 512, 1024, 2048, 4096, 8192}, cfg.windowLength, stftBox);
    hop_ = numberBox({64, 128, 256, 512, 1024, 2048, 4096}, cfg.hop, stftBox);
    fft_ = numberBox({256, 512, 1024, 2048, 4096, 8192, 16384}, cfg.fft(), stftBox);
    length_->setToolTip(tr("Window length in samples: longer gives finer frequency, coarser time resolution"));
    hop_->setToolTip(tr("Hop in samples between frames (at most half the window)"));
    fft_->setToolTip(tr("FFT size in samples (>= window length; larger interpolates the spectrum)"));
    offerValidStft(length_, hop_, fft_);
    stftForm->addRow(tr("Window"), window_);
    stftForm->addRow(tr("Length"), length_);
    stftForm->addRow(tr("Hop"), hop_);
    stftForm->addRow(tr("FFT size"), fft_);
    status_ = new QLabel(stftBox);
    status_->setWordWrap(true);
    status_->setStyleSheet("color: palette(mid);");
    stftForm->addRow(status_);
    layout->addWidget(stftBox);
    layout->addStretch(1);

    connect(scale_, &QComboBox::currentIndexChanged, this, [this, view] {
        if (!syncing_) view->setFrequencyScale(FrequencyScale(scale_->currentData().toInt()));
    });
    auto applyRange = [this, view] {
        if (!syncing_) view->setFrequencyRange(minHz_->value(), maxHz_->value());
    };
    connect(minHz_, &QDoubleSpinBox::valueChanged, this, applyRange);
    connect(maxHz_, &QDoubleSpinBox::valueChanged, this, applyRange);
    connect(resetAxis, &QPushButton::clicked, view, &ViewManager::resetFrequencyRange);
    connect(view, &ViewManager::frequencyAxisChanged, this, &SpectrogramControls::syncFromView);
    connect(topDb_, &QDoubleSpinBox::valueChanged, this, &SpectrogramControls::applyLevels);
    connect(rangeDb_, &QDoubleSpinBox::valueChanged, this, &SpectrogramControls::applyLevels);
    connect(colormap_, &QComboBox::currentTextChanged, this, &SpectrogramControls::applyLevels);
    for (QComboBox* box : {window_, length_, hop_, fft_})
        connect(box, &QComboBox::currentIndexChanged, this, &SpectrogramControls::applyStft);

    auto timer = std::make_shared<QElapsedTimer>();
    connect(pane, &SpectrogramPane::computeStarted, this, [this, timer] {
        timer->start();
        status_->setText(tr("Computing…"));
    });
    connect(pane, &SpectrogramPane::computeFinished, this, [this, timer] {
        const auto levels = pane_->levels();
        status_->setText(tr("%1 frames × %2 bins · %3 MB · %4 s")
                             .arg(levels->frames())
                             .arg(levels->bins())
                             .arg(double(levels->bytes()) / 1e6, 0, 'f', 0)
                             .arg(timer->elapsed() / 1000.0, 0, 'f', 2));
    });
    connect(pane, &SpectrogramPane::computeFailed, this, [this](const QString& m) { status_->setText(m); });
    syncFromView();
    bar_->setStyle(pane->style());
}

void SpectrogramControls::syncFromView() {
    syncing_ = true;
    const FrequencyAxis& axis = pane_->view()->frequencyAxis();
    scale_->setCurrentIndex(scale_->findData(int(axis.scale)));
    minHz_->setMaximum(pane_->view()->nyquist());
    maxHz_->setMaximum(pane_->view()->nyquist());
    minHz_->setValue(axis.lowHz());
    maxHz_->setValue(axis.maxHz);
    syncing_ = false;
    bar_->setStyle(pane_->style());
}

void SpectrogramControls::applyLevels() {
    pane_->setColormap(Colormap::fromName(colormap_->currentText()));
    pane_->setLevelRange(float(topDb_->value()), float(rangeDb_->value()));
    bar_->setStyle(pane_->style());
}

void SpectrogramControls::applyStft() {
    const int length = length_->currentData().toInt();
    offerValidStft(length_, hop_, fft_);
    {
        const QSignalBlocker blockHop(hop_), blockFft(fft_);
        if (hop_->currentData().toInt() > length / 2) hop_->setCurrentIndex(hop_->findData(length / 4));
        if (fft_->currentData().toInt() < length) fft_->setCurrentIndex(fft_->findData(length));
    }
    StftConfig cfg;
    cfg.window = WindowType(window_->currentData().toInt());
    cfg.windowLength = length;
    cfg.hop = hop_->currentData().toInt();
    cfg.fftSize = fft_->currentData().toInt();
    try {
        cfg.validate();
        pane_->setStftConfig(cfg);
    } catch (const std::exception& e) {
        status_->setText(QString::fromStdString(e.what()));
    }
}

}  // namespace phaselab
