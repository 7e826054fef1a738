#include "widgets/stft_chooser.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>

namespace phaselab {

StftChooser::StftChooser(QWidget* parent) : QWidget(parent), window_(new QComboBox(this)), hop_(new QComboBox(this)) {
    for (int n : {256, 512, 1024, 2048, 4096, 8192}) window_->addItem(QString::number(n), n);
    window_->setCurrentText("2048");
    window_->setToolTip(tr("Hann window length of the STFT (samples)"));
    hop_->setToolTip(tr("Hop between frames (samples) and the overlap it gives"));
    refillHops();
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(new QLabel(tr("STFT window"), this));
    layout->addWidget(window_);
    layout->addWidget(new QLabel(tr("hop"), this));
    layout->addWidget(hop_, 1);
    connect(window_, &QComboBox::currentIndexChanged, this, [this] {
        refillHops();
        emit changed();
    });
    connect(hop_, &QComboBox::currentIndexChanged, this, &StftChooser::changed);
}

void StftChooser::refillHops() {
    const int n = window_->currentData().toInt(), keep = hop_->currentData().toInt();
    const QSignalBlocker block(hop_);
    hop_->clear();
    for (int d : {2, 4, 8}) hop_->addItem(QString("%1 (%2 % overlap)").arg(n / d).arg(100 - 100 / d), n / d);
    const int i = hop_->findData(keep);
    hop_->setCurrentIndex(i >= 0 ? i : 1);
}

StftConfig StftChooser::config() const {
    StftConfig c;
    c.windowLength = window_->currentData().toInt();
    c.hop = hop_->currentData().toInt();
    return c;
}

void StftChooser::setConfig(const StftConfig& config) {
    const int w = window_->findData(config.windowLength);
    if (w >= 0) window_->setCurrentIndex(w);
    const int h = hop_->findData(config.hop);
    if (h >= 0) hop_->setCurrentIndex(h);
}

}  // namespace phaselab
