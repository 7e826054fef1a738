#include "widgets/mixer_panel.h"

#include <QButtonGroup>
#include <QCheckBox>
#include <QDoubleSpinBox>
#include <QHeaderView>
#include <QRadioButton>
#include <QTableWidget>
#include <QVBoxLayout>
#include <cmath>

#include "widgets/audio_player.h"

namespace phaselab {

MixerPanel::MixerPanel(PlaybackSource* source, QWidget* parent)
    : QWidget(parent), source_(source), table_(new QTableWidget(0, 4, this)) {
    table_->setHorizontalHeaderLabels({tr("Track"), tr("Gain (dB)"), tr("Mute"), tr("Solo")});
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table_->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    table_->verticalHeader()->hide();
    table_->setSelectionMode(QAbstractItemView::NoSelection);
    table_->setToolTip(tr("Solo plays one track alone (switching is instant and click-free); the Mix row plays every "
                          "unmuted track together"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(table_);
    refresh();
}

void MixerPanel::refresh() {
    table_->setRowCount(0);
    auto* solo = new QButtonGroup(table_);
    const int n = source_->trackCount();
    const int active = source_->activeTrack();
    table_->setRowCount(n + 1);
    for (int i = -1; i < n; ++i) {
        const int row = i + 1;
        auto* name = new QTableWidgetItem(i < 0 ? tr("Mix (unmuted tracks)") : source_->track(i).name);
        name->setFlags(Qt::ItemIsEnabled);
        table_->setItem(row, 0, name);
        auto* radio = new QRadioButton;
        radio->setChecked(i == active);
        solo->addButton(radio, i + 1);
        table_->setCellWidget(row, 3, radio);
        connect(radio, &QRadioButton::toggled, this, [this, i](bool on) {
            if (!on) return;
            source_->setActiveTrack(i);
            emit soloChanged(i);
        });
        if (i < 0) continue;
        const PlaybackSource::Track t = source_->track(i);
        auto* gain = new QDoubleSpinBox;
        gain->setRange(-60, 24);
        gain->setDecimals(1);
        gain->setSuffix(" dB");
        gain->setValue(t.gain > 0 ? 20 * std::log10(t.gain) : -60);
        connect(gain, &QDoubleSpinBox::valueChanged, this, [this, i](double db) { source_->setTrackGain(i, float(std::pow(10.0, db / 20))); });
        table_->setCellWidget(row, 1, gain);
        auto* mute = new QCheckBox;
        mute->setChecked(t.muted);
        connect(mute, &QCheckBox::toggled, this, [this, i](bool on) { source_->setTrackMuted(i, on); });
        table_->setCellWidget(row, 2, mute);
    }
}

}  // namespace phaselab
