#include "widgets/phase_map_pane.h"

#include <QFile>
#include <QPainter>
#include <QSaveFile>
#include <QTextStream>
#include <QtConcurrent>
#include <cmath>
#include <limits>

#include "core/phase/inter_channel.h"
#include "core/phase/phase_views.h"
#include "widgets/export_file.h"
#include "widgets/panning_map_image.h"

namespace phaselab {
namespace {

PhaseView toView(PhaseMapPane::Kind k) {
    switch (k) {
        case PhaseMapPane::Kind::Phase: return PhaseView::Phase;
        case PhaseMapPane::Kind::Centred: return PhaseView::Centred;
        case PhaseMapPane::Kind::InstantaneousFrequency: return PhaseView::IfDeviation;
        case PhaseMapPane::Kind::GroupDelay: return PhaseView::GroupDelay;
        case PhaseMapPane::Kind::Kappa: return PhaseView::Kappa;
        case PhaseMapPane::Kind::Ipd:
        case PhaseMapPane::Kind::Ild:
        case PhaseMapPane::Kind::Pan:
        case PhaseMapPane::Kind::PanningMap: break;
    }
    return PhaseView::Phase;
}

}  // namespace

QString PhaseMapPane::kindName(Kind k) {
    switch (k) {
        case Kind::Phase: return tr("Phase");
        case Kind::Centred: return tr("Centred phase");
        case Kind::InstantaneousFrequency: return tr("Instantaneous frequency");
        case Kind::GroupDelay: return tr("Group delay");
        case Kind::Kappa: return tr("Kappa (sinusoidality)");
        case Kind::Ipd: return tr("Inter-channel phase (IPD)");
        case Kind::Ild: return tr("Inter-channel level (ILD)");
        case Kind::Pan: return tr("Pan position");
        case Kind::PanningMap: return tr("Panning map (azimuth)");
    }
    return {};
}

QString PhaseMapPane::explanation(Kind k) {
    switch (k) {
        case Kind::Phase:
            return tr("Raw STFT phase φ(f,t) in radians, measured at each frame's centre (cyclic colours: −π and +π look "
                      "the same). It looks like noise even for clean tones: the phase of a partial turns by 2π·hop·f/fs "
                      "every frame.");
        case Kind::Centred:
            return tr("Centred phase ψ = φ − μ, with μ(f,t) = φ(f,t−1) + 2π·hop·ν predicted by the sinusoidal model "
                      "(QIFFT frequency ν of the partial owning the bin). Dark (ψ ≈ 0): the model explains the phase; "
                      "light (ψ ≈ ±π): it does not (onsets, noise, overlapping partials).");
        case Kind::InstantaneousFrequency:
            return tr("Instantaneous frequency (time derivative of the phase) minus the bin's centre frequency, in Hz. "
                      "Around a partial, neighbouring bins all point at the partial's true frequency.");
        case Kind::GroupDelay:
            return tr("Group delay −dφ/dω (frequency derivative of the phase), in ms from the frame centre: where in the "
                      "frame the energy of a bin arrives. Clicks and onsets sweep through it.");
        case Kind::Kappa:
            return tr("Local von Mises concentration κ of the centred phase over a small neighbourhood (3 bins × 5 frames by "
                      "default): high (bright) "
                      "where the signal is sinusoidal, near 0 for noise. Overlapping frames give noise a small κ too.");
        case Kind::Ipd:
            return tr("Inter-channel phase difference arg(L·conj R) of a stereo file, in radians. A source panned by "
                      "level only is 0 (dark); one reaching the right channel d samples late slopes by 2π·d/N per bin, "
                      "so it shows as stripes over frequency. Noise and reverberation scatter it.");
        case Kind::Ild:
            return tr("Inter-channel level difference 20·log10 |L|/|R| of a stereo file, in dB: positive (bright) where the "
                      "left channel is louder. Each source sits at its own level difference.");
        case Kind::Pan:
            return tr("Where each bin sits between the loudspeakers, from its level difference under the constant-power "
                      "pan law: −1 hard left, 0 centre, +1 hard right. A panned source keeps its colour over time.");
        case Kind::PanningMap:
            return tr("Where the energy of each frame sits between the loudspeakers: every bin's level is added at its "
                      "pan position (constant-power law), hard left at the top, hard right at the bottom. The axis reads "
                      "as the azimuth a listener hears with loudspeakers at ±30° (tangent law). A panned source is a "
                      "horizontal line; a delayed or reverberant one spreads.");
    }
    return {};
}

bool PhaseMapPane::Request::operator==(const Request& o) const {
    return signal == o.signal && stereo == o.stereo && sampleRate == o.sampleRate && config.windowLength == o.config.windowLength &&
           config.hop == o.config.hop && config.fft() == o.config.fft() && config.window == o.config.window && kind == o.kind &&
           rangeDb == o.rangeDb && kappaBins == o.kappaBins && kappaFrames == o.kappaFrames && t0 == o.t0 && t1 == o.t1 && axis.scale == o.axis.scale && axis.minHz == o.axis.minHz &&
           axis.maxHz == o.axis.maxHz && size == o.size;
}

PhaseMapPane::PhaseMapPane(ViewManager* view, QWidget* parent)
    : TimePane(view, parent), watcher_(new QFutureWatcher<std::shared_ptr<Result>>(this)) {
    setMinimumHeight(110);
    setToolTip(explanation(kind_));
    connect(view, &ViewManager::viewChanged, this, &PhaseMapPane::schedule);
    connect(view, &ViewManager::frequencyAxisChanged, this, &PhaseMapPane::schedule);
    connect(view, &ViewManager::cursorChanged, this, qOverload<>(&QWidget::update));
    connect(view, &ViewManager::selectionChanged, this, qOverload<>(&QWidget::update));
    connect(this, &TimePane::hovered, this, [this](double t, double h) { emit readout(readoutAt(t, h)); });
    connect(watcher_, &QFutureWatcher<std::shared_ptr<Result>>::finished, this, [this] {
        running_ = false;
        if (auto r = watcher_->future().result()) {
            shown_ = r;
            update();
            emit rendered();
        }
        if (pending_) {
            pending_ = false;
            schedule();
        }
    });
}

PhaseMapPane::~PhaseMapPane() {
    if (cancel_) cancel_->store(true);
    watcher_->waitForFinished();
}

void PhaseMapPane::setSignal(std::shared_ptr<const Eigen::ArrayXf> mono, double sampleRate) {
    signal_ = std::move(mono);
    sampleRate_ = sampleRate;
    peak_ = signal_ && signal_->size() ? double(signal_->abs().maxCoeff()) : 0.0;
    shown_.reset();
    schedule();
}

void PhaseMapPane::setStereo(std::shared_ptr<const Audio> audio) {
    stereo_ = audio && audio->channels() >= 2 ? std::move(audio) : nullptr;
    stereoPeak_ = stereo_ ? double(stereo_->data.leftCols(2).abs().maxCoeff()) : 0.0;
    shown_.reset();
    schedule();
}

void PhaseMapPane::setStftConfig(const StftConfig& config) {
    config.validate();
    config_ = config;
    schedule();
    emit settingsChanged();
}

void PhaseMapPane::setKind(Kind kind) {
    kind_ = kind;
    setToolTip(explanation(kind));
    schedule();
    emit settingsChanged();
}

void PhaseMapPane::setRangeDb(float rangeDb) {
    rangeDb_ = std::clamp(rangeDb, 1.0f, 200.0f);
    schedule();
    emit settingsChanged();
}

void PhaseMapPane::setKappaNeighbourhood(int halfBins, int halfFrames) {
    kappaBins_ = std::clamp(halfBins, 0, 64);
    kappaFrames_ = std::clamp(halfFrames, 0, 64);
    schedule();
    emit settingsChanged();
}

void PhaseMapPane::copySettingsFrom(const PhaseMapPane& other) {
    config_ = other.config_;
    kind_ = other.kind_;
    rangeDb_ = other.rangeDb_;
    kappaBins_ = other.kappaBins_;
    kappaFrames_ = other.kappaFrames_;
    setToolTip(explanation(kind_));
    schedule();
}

PhaseMapPane::Request PhaseMapPane::currentRequest() const {
    Request r;
    r.signal = signal_;
    const bool stereo = isInterChannel(kind_);
    r.stereo = stereo ? stereo_ : nullptr;
    r.sampleRate = sampleRate_;
    r.peak = stereo ? stereoPeak_ : peak_;
    r.config = config_;
    r.kind = kind_;
    r.rangeDb = rangeDb_;
    r.kappaBins = kappaBins_;
    r.kappaFrames = kappaFrames_;
    r.t0 = view()->viewStart();
    r.t1 = view()->viewEnd();
    r.axis = kind_ == Kind::PanningMap ? panningMapStyle(rangeDb_).axis : view()->frequencyAxis();
    r.size = plotRect().size();
    return r;
}

bool PhaseMapPane::needsZoom() const {
    if (!signal_ || sampleRate_ <= 0) return false;
    const double frames = (view()->viewEnd() - view()->viewStart()) * sampleRate_ / config_.hop;
    return frames > kMaxFramesPerPixel * std::max(1, plotRect().width());
}

bool PhaseMapPane::isUpToDate() const {
    if (signal_ && isInterChannel(kind_) && !stereo_) return true;  // the note is what there is to show
    return shown_ && shown_->request == currentRequest() && !running_;
}

void PhaseMapPane::schedule() {
    update();
    if (!signal_ || needsZoom() || plotRect().isEmpty()) return;
    if (isInterChannel(kind_) && !stereo_) return;  // paintPlot says why
    if (shown_ && shown_->request == currentRequest()) return;
    if (running_) {
        pending_ = true;
        if (cancel_) cancel_->store(true);
        return;
    }
    running_ = true;
    cancel_ = std::make_shared<std::atomic<bool>>(false);
    const Request r = currentRequest();
    auto cancel = cancel_;
    watcher_->setFuture(QtConcurrent::run([r, cancel] { return compute(r, *cancel); }));
}

double PhaseMapPane::rowHz(const Request& r) { return r.kind == Kind::PanningMap ? 1.0 : r.sampleRate / r.config.fft(); }

SpectrogramStyle PhaseMapPane::styleFor(const Request& r) {
    if (r.kind == Kind::PanningMap) return panningMapStyle(r.rangeDb);
    if (isInterChannel(r.kind)) {
        SpectrogramStyle s;
        s.axis = r.axis;
        const bool ipd = r.kind == Kind::Ipd, pan = r.kind == Kind::Pan;
        s.topDb = ipd ? float(M_PI) : pan ? 1.0f : 20.0f;
        s.rangeDb = ipd ? float(2 * M_PI) : pan ? 2.0f : 40.0f;
        s.unit = ipd ? "rad" : pan ? "" : "dB";
        s.colormap = ipd ? ColormapId::Twilight : ColormapId::Cividis;
        s.nanColour = QColor(52, 55, 62);
        s.maxPooling = false;
        return s;
    }
    const PhaseView v = toView(r.kind);
    const PhaseViewRange range = phaseViewRange(v, r.config, r.sampleRate);
    SpectrogramStyle s;
    s.axis = r.axis;
    s.topDb = range.high;
    s.rangeDb = range.high - range.low;
    s.unit = QString::fromStdString(range.unit);
    s.colormap = v == PhaseView::Kappa ? ColormapId::Magma : ColormapId::Twilight;
    s.nanColour = QColor(52, 55, 62);
    s.maxPooling = false;
    return s;
}

std::shared_ptr<PhaseMapPane::Result> PhaseMapPane::compute(const Request& r, const std::atomic<bool>& cancel) {
    const Eigen::ArrayXf& x = *r.signal;
    const int hop = r.config.hop, N = r.config.windowLength;
    const Eigen::Index T = 1 + x.size() / hop;
    const Eigen::Index fa = std::clamp<Eigen::Index>(Eigen::Index(std::floor(r.t0 * r.sampleRate / hop)) - 2, 0, T - 1);
    const Eigen::Index fb = std::clamp<Eigen::Index>(Eigen::Index(std::ceil(r.t1 * r.sampleRate / hop)) + 3, fa + 1, T);
    const Eigen::Index first = std::max<Eigen::Index>(0, fa - 1), count = fb - first;
    const Eigen::Index s0 = std::clamp<Eigen::Index>(first * hop - N / 2, 0, x.size());
    const Eigen::Index s1 = std::clamp<Eigen::Index>((fb - 1) * hop + N / 2 + 1, s0, x.size());
    Stft stft(r.config);
    Spectrogram S;
    auto out = std::make_shared<Result>();
    out->request = r;
    out->firstFrame = first;
    const float floor = float(r.peak) * stft.fullScaleMagnitude() * std::pow(10.0f, -r.rangeDb / 20.0f);
    if (isInterChannel(r.kind)) {
        Spectrogram R;
        stft.analyseFrames(r.stereo->data.col(0).segment(s0, s1 - s0), s0, first, count, S);
        stft.analyseFrames(r.stereo->data.col(1).segment(s0, s1 - s0), s0, first, count, R);
        if (cancel.load()) return nullptr;
        const float f = std::max(floor, 1e-30f);
        out->values = r.kind == Kind::Ipd          ? interChannelPhase(S, R, f)
                      : r.kind == Kind::Ild        ? interChannelLevel(S, R, f)
                      : r.kind == Kind::PanningMap ? panningMapDb(S, R, f, stft.fullScaleMagnitude())
                                                   : panPosition(S, R, f);
    } else {
        stft.analyseFrames(x.segment(s0, s1 - s0), s0, first, count, S);
        if (cancel.load()) return nullptr;
        out->values = phaseViewValues(toView(r.kind), S, r.config, r.sampleRate, std::max(floor, 1e-30f),
                                      KappaNeighbourhood{r.kappaBins, r.kappaFrames});
    }
    if (cancel.load()) return nullptr;
    const double framesPerSecond = r.sampleRate / hop;
    out->image = renderSpectrogram(out->values, r.t0 * framesPerSecond - double(first), r.t1 * framesPerSecond - double(first),
                                   rowHz(r), styleFor(r), r.size);
    return out;
}

QString PhaseMapPane::unit() const {
    if (isInterChannel(kind_)) return kind_ == Kind::Ipd ? "rad" : kind_ == Kind::Ild || kind_ == Kind::PanningMap ? "dB" : "";
    return QString::fromStdString(phaseViewRange(toView(kind_), config_, sampleRate_ > 0 ? sampleRate_ : 1).unit);
}

double PhaseMapPane::valueAt(double t, double heightFraction) const {
    if (!shown_ || shown_->values.size() == 0) return std::numeric_limits<double>::quiet_NaN();
    const Request& r = shown_->request;
    const Eigen::Index frame = Eigen::Index(std::lround(t * r.sampleRate / r.config.hop)) - shown_->firstFrame;
    const double hz = r.axis.toHz(std::clamp(heightFraction, 0.0, 1.0));
    const Eigen::Index bin = Eigen::Index(std::lround(hz / rowHz(r)));
    if (frame < 0 || frame >= shown_->values.cols() || bin < 0 || bin >= shown_->values.rows())
        return std::numeric_limits<double>::quiet_NaN();
    return shown_->values(bin, frame);
}

QString PhaseMapPane::readoutAt(double t, double heightFraction) const {
    if (kind_ == Kind::PanningMap) {
        const double pan = panningMapRowPan(std::lround(panningMapStyle(rangeDb_).axis.toHz(std::clamp(heightFraction, 0.0, 1.0))));
        const double v = valueAt(t, heightFraction);
        return QString("%1 s · pan %2 · azimuth ≈ %3° · %4")
            .arg(t, 0, 'f', 3)
            .arg(pan, 0, 'f', 2)
            .arg(panToAzimuthDegrees(pan, kPanningMapSpeakerDegrees), 0, 'f', 1)
            .arg(std::isnan(v) || v < -250 ? tr("no energy") : QString("%1 dB").arg(v, 0, 'f', 1));
    }
    const double hz = view()->frequencyAxis().toHz(std::clamp(heightFraction, 0.0, 1.0));
    const double v = valueAt(t, heightFraction);
    const QString symbol = kind_ == Kind::Phase ? "φ" : kind_ == Kind::Centred ? "ψ" : kind_ == Kind::Kappa ? "κ"
                         : kind_ == Kind::GroupDelay ? "group delay" : kind_ == Kind::Ipd ? "IPD" : kind_ == Kind::Ild ? "ILD" : kind_ == Kind::Pan ? "pan"
                                                                                                   : "IF − bin";
    const QString value = std::isnan(v) ? tr("masked (below the level range)") : QString("%1 = %2 %3").arg(symbol).arg(v, 0, 'f', 3).arg(unit());
    return QString("%1 s · %2 · %3").arg(t, 0, 'f', 3).arg(formatHz(hz)).arg(value.trimmed());
}

bool PhaseMapPane::exportPng(const QString& path, QSize size) const {
    if (!shown_ || shown_->values.size() == 0) return false;
    const Request& r = shown_->request;
    const Eigen::Index f0 = std::max<Eigen::Index>(0, Eigen::Index(std::ceil(r.t0 * r.sampleRate / r.config.hop)) - shown_->firstFrame);
    const Eigen::Index f1 = std::min<Eigen::Index>(shown_->values.cols(), Eigen::Index(std::floor(r.t1 * r.sampleRate / r.config.hop)) - shown_->firstFrame + 1);
    if (f1 <= f0) return false;
    SpectrogramStyle style = styleFor(r);
    style.nanColour = QColor(128, 128, 128);
    const QString title = QString("%1 — %2, %3 s to %4 s").arg(kindName(r.kind), QString::fromStdString(r.config.describe()))
                              .arg(r.t0, 0, 'f', 2).arg(r.t1, 0, 'f', 2);
    const QImage image = renderLabelledSpectrogram(shown_->values.middleCols(f0, f1 - f0), rowHz(r),
                                                   r.config.hop / r.sampleRate, style, size, title);
    try {
        writePng(image, path);
        return true;
    } catch (const std::exception&) {
        return false;
    }
}

bool PhaseMapPane::exportCsv(const QString& path) const {
    if (!shown_ || shown_->values.size() == 0) return false;
    const Request& r = shown_->request;
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Text)) return false;
    QTextStream out(&file);
    out << "# " << kindName(r.kind) << " (" << unit() << "), " << QString::fromStdString(r.config.describe())
        << ", sample rate " << r.sampleRate << " Hz; rows: " << (r.kind == Kind::PanningMap ? "pan positions (-1 left .. +1 right; "
                                                                                    "azimuth with loudspeakers at +-30 deg)" : "bins")
        << ", columns: frames\n";
    const bool panning = r.kind == Kind::PanningMap;
    out << (panning ? "pan,azimuth_deg" : "frequency_hz");
    for (Eigen::Index t = 0; t < shown_->values.cols(); ++t)
        out << "," << QString::number(double(shown_->firstFrame + t) * r.config.hop / r.sampleRate, 'f', 6);
    out << "\n";
    for (Eigen::Index f = 0; f < shown_->values.rows(); ++f) {
        if (panning) {
            const double pan = panningMapRowPan(double(f));
            out << QString::number(pan, 'f', 4) << "," << QString::number(panToAzimuthDegrees(pan, kPanningMapSpeakerDegrees), 'f', 3);
        } else {
            out << QString::number(double(f) * r.sampleRate / r.config.fft(), 'f', 3);
        }
        for (Eigen::Index t = 0; t < shown_->values.cols(); ++t) {
            out << ",";
            const float v = shown_->values(f, t);
            if (!std::isnan(v) && !(panning && v < -250)) out << QString::number(v, 'g', 7);
        }
        out << "\n";
    }
    out.flush();
    return file.commit();
}

void PhaseMapPane::paintPlot(QPainter& p, const QRect& plot) {
    p.fillRect(plot, background());
    if (!signal_) {
        p.setPen(axisText());
        p.drawText(plot, Qt::AlignCenter, tr("No signal"));
        return;
    }
    if (isInterChannel(kind_) && !stereo_) {
        p.setPen(axisText());
        p.drawText(plot, Qt::AlignCenter | Qt::TextWordWrap,
                   tr("%1 compares the two channels of a stereo file: this signal is mono.").arg(kindName(kind_)));
        return;
    }
    if (needsZoom()) {
        p.setPen(axisText());
        p.drawText(plot, Qt::AlignCenter | Qt::TextWordWrap,
                   tr("%1: zoom in to see the phase (Ctrl+wheel or select and zoom to the selection).\n"
                      "Phase maps need at most %2 STFT frames per pixel.")
                       .arg(kindName(kind_))
                       .arg(kMaxFramesPerPixel));
        return;
    }
    if (shown_ && !shown_->image.isNull()) {
        const Request& r = shown_->request;
        if (r.t0 == view()->viewStart() && r.t1 == view()->viewEnd() && shown_->image.size() == plot.size()) {
            p.drawImage(plot.topLeft(), shown_->image);
        } else {
            // Stretch the last image to the current view while the new one is computed.
            const double span = r.t1 - r.t0;
            const double x0 = plot.left() + (r.t0 - view()->viewStart()) / view()->viewSpan() * plot.width();
            const double w = span / view()->viewSpan() * plot.width();
            p.drawImage(QRectF(x0, plot.top(), w, plot.height()), shown_->image);
        }
    }
    QFont f = font();
    f.setPointSizeF(f.pointSizeF() * 0.85);
    p.setFont(f);
    // Legend: name, a colour bar and its range, so a screenshot explains itself.
    Request request = currentRequest();
    if (request.sampleRate <= 0) request.sampleRate = 1;
    const SpectrogramStyle style = styleFor(request);
    const QString u = style.unit.isEmpty() ? QString() : " " + style.unit;
    const QString label = kindName(kind_) + (running_ ? tr(" · computing…") : QString());
    const QString lo = QString::number(style.topDb - style.rangeDb, 'g', 3) + u, hi = QString::number(style.topDb, 'g', 3) + u;
    const QFontMetrics fm = p.fontMetrics();
    const int barWidth = 90;
    const int width = fm.horizontalAdvance(label) + fm.horizontalAdvance(lo) + fm.horizontalAdvance(hi) + barWidth + 36;
    const QRect at(plot.left() + 8, plot.top() + 6, width, fm.height() + 6);
    p.fillRect(at, QColor(0, 0, 0, 160));
    p.setPen(QColor(235, 235, 235));
    int x = at.left() + 6;
    p.drawText(QRect(x, at.top(), fm.horizontalAdvance(label), at.height()), Qt::AlignVCenter, label);
    x += fm.horizontalAdvance(label) + 10;
    p.drawText(QRect(x, at.top(), fm.horizontalAdvance(lo), at.height()), Qt::AlignVCenter, lo);
    x += fm.horizontalAdvance(lo) + 4;
    const Colormap& cmap = Colormap::get(style.colormap);
    for (int i = 0; i < barWidth; ++i) {
        p.setPen(QColor(cmap.at(float(i) / float(barWidth - 1))));
        p.drawLine(x + i, at.top() + 4, x + i, at.bottom() - 4);
    }
    x += barWidth + 4;
    p.setPen(QColor(235, 235, 235));
    p.drawText(QRect(x, at.top(), fm.horizontalAdvance(hi), at.height()), Qt::AlignVCenter, hi);
}

void PhaseMapPane::paintAxis(QPainter& p, const QRect& axisRect) {
    TimePane::paintAxis(p, axisRect);
    const QRect plot = plotRect();
    QFont f = font();
    f.setPointSizeF(f.pointSizeF() * 0.85);
    p.setFont(f);
    if (kind_ == Kind::PanningMap) {
        const SpectrogramStyle style = panningMapStyle(rangeDb_);
        paintAxisTicks(p, axisRect, plot, style.axis, style.rowTicks, axisText());
        return;
    }
    paintFrequencyTicks(p, axisRect, plot, view()->frequencyAxis(), axisText());
}

void PhaseMapPane::verticalWheel(double factor, double heightFraction) {
    if (kind_ == Kind::PanningMap) return;  // rows are pan positions
    view()->zoomFrequency(factor, std::clamp(heightFraction, 0.0, 1.0));
}

void PhaseMapPane::resizeEvent(QResizeEvent* e) {
    TimePane::resizeEvent(e);
    schedule();
}

}  // namespace phaselab
