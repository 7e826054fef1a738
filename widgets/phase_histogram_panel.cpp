#include "widgets/phase_histogram_panel.h"

#include <QAreaSeries>
#include <QChart>
#include <QChartView>
#include <QHBoxLayout>
#include <QFileDialog>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QSaveFile>
#include <QTextStream>
#include <QLineSeries>
#include <QValueAxis>
#include <QVBoxLayout>
#include <QtConcurrent>
#include <cmath>
#include <numbers>

#include "core/common/error.h"
#include "widgets/export_file.h"

namespace phaselab {
namespace {

QChartView* makeChart(const QString& title, QWidget* parent) {
    auto* chart = new QChart;
    chart->setTitle(title);
    chart->legend()->setAlignment(Qt::AlignBottom);
    chart->setMargins(QMargins(2, 2, 2, 2));
    auto* view = new QChartView(chart, parent);
    view->setRenderHint(QPainter::Antialiasing);
    view->setMinimumSize(260, 230);  // below this the tick labels are elided (the dock scrolls instead)
    return view;
}

void fill(QChartView* view, const PhaseHistogram& h, bool centred, const QString& axisTitle) {
    QChart* chart = view->chart();
    chart->removeAllSeries();
    for (auto* a : chart->axes()) {
        chart->removeAxis(a);
        delete a;
    }
    const double pi = std::numbers::pi;
    auto* upper = new QLineSeries;
    for (std::size_t i = 0; i < h.centres.size(); ++i) {
        const double left = h.centres[i] - h.width / 2, right = h.centres[i] + h.width / 2;
        upper->append(left, h.density[i]);
        upper->append(right, h.density[i]);
    }
    auto* bars = new QAreaSeries(upper);
    upper->setParent(bars);  // an area series does not own its line; removeAllSeries() deletes both
    bars->setName(QObject::tr("histogram (%1 bins)").arg(h.centres.size()));
    bars->setColor(QColor(100, 149, 237, 150));
    bars->setBorderColor(QColor(70, 110, 200));
    auto* uniform = new QLineSeries;
    uniform->setName(QObject::tr("uniform"));
    uniform->append(-pi, h.uniformDensity);
    uniform->append(pi, h.uniformDensity);
    QPen dashed(QColor(120, 120, 120));
    dashed.setStyle(Qt::DashLine);
    dashed.setWidthF(1.5);
    uniform->setPen(dashed);
    auto* fit = new QLineSeries;
    fit->setName(QObject::tr("von Mises fit, κ = %1").arg(h.fit.kappa, 0, 'f', 2));
    double peak = h.uniformDensity;
    for (int i = 0; i <= 400; ++i) {
        const double t = -pi + 2 * pi * i / 400;
        const double d = vonmises::density(t, centred ? 0.0 : h.fit.mu, h.fit.kappa);
        fit->append(t, d);
        peak = std::max(peak, d);
    }
    for (double d : h.density) peak = std::max(peak, d);
    QPen red(QColor(214, 39, 40));
    red.setWidthF(2);
    fit->setPen(red);
    chart->addSeries(bars);
    chart->addSeries(uniform);
    chart->addSeries(fit);
    auto* x = new QValueAxis;
    x->setRange(-pi, pi);
    x->setTickCount(5);
    x->setLabelFormat("%.2f");
    x->setTitleText(axisTitle);
    auto* y = new QValueAxis;
    y->setRange(0, peak * 1.1);
    y->setTitleText(QObject::tr("density (1/rad)"));
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(y, Qt::AlignLeft);
    for (auto* s : chart->series()) {
        s->attachAxis(x);
        s->attachAxis(y);
    }
}

}  // namespace

PhaseHistogramPanel::PhaseHistogramPanel(QWidget* parent)
    : QWidget(parent),
      watcher_(new QFutureWatcher<Outcome>(this)),
      raw_(makeChart(tr("Raw phase φ"), this)),
      centred_(makeChart(tr("Centred phase ψ (sinusoidal model)"), this)),
      ipdChart_(makeChart(tr("Inter-channel phase difference (L vs R)"), this)),
      status_(new QLabel(this)) {
    status_->setWordWrap(true);
    status_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* charts = new QHBoxLayout;
    charts->addWidget(raw_);
    charts->addWidget(centred_);
    charts->addWidget(ipdChart_);
    ipdChart_->hide();
    auto* png = new QPushButton(tr("Export PNG…"), this);
    auto* csv = new QPushButton(tr("Export CSV…"), this);
    auto* bottom = new QHBoxLayout;
    bottom->addWidget(status_, 1);
    bottom->addWidget(png, 0, Qt::AlignTop);
    bottom->addWidget(csv, 0, Qt::AlignTop);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(charts, 1);
    layout->addLayout(bottom);
    auto save = [this](const QString& name, const QString& filter, bool png) {
        const QString path = askExportPath(this, tr("Export the phase histograms"), name, filter);
        if (path.isEmpty()) return;
        if (!(png ? exportPng(path) : exportCsv(path)))
            QMessageBox::warning(this, tr("Export failed"), tr("Nothing to export yet, or %1 cannot be written.").arg(path));
    };
    connect(png, &QPushButton::clicked, this, [save] { save("phase_histograms.png", tr("PNG image (*.png)"), true); });
    connect(csv, &QPushButton::clicked, this, [save] { save("phase_histograms.csv", tr("CSV (*.csv)"), false); });
    setToolTip(tr("Histograms of the phase of the bins within the level range, over the selection (or the whole signal).\n"
                  "Raw phase: nearly uniform even for tones, because a partial's phase turns every frame.\n"
                  "Centred phase: concentrated around 0 (large κ) where the sinusoidal model holds."));
    status_->setText(tr("No signal."));
    connect(watcher_, &QFutureWatcher<Outcome>::finished, this, [this] {
        running_ = false;
        const Outcome o = watcher_->future().result();
        if (o.histograms) {
            result_ = o.histograms;
            ipd_ = o.ipd;
            show(*result_);
            emit computed();
        } else if (!o.error.isEmpty()) {
            result_.reset();
            ipd_.reset();
            status_->setText(o.error);
        }
        if (pending_) {
            pending_ = false;
            schedule();
        }
    });
}

PhaseHistogramPanel::~PhaseHistogramPanel() {
    if (cancel_) cancel_->store(true);
    watcher_->waitForFinished();
}

void PhaseHistogramPanel::setSignal(std::shared_ptr<const Eigen::ArrayXf> mono, double sampleRate) {
    request_.signal = std::move(mono);
    request_.sampleRate = sampleRate;
    schedule();
}

void PhaseHistogramPanel::setChannels(std::shared_ptr<const Audio> audio) {
    request_.channels = audio && audio->channels() >= 2 ? std::move(audio) : nullptr;
    ipdChart_->setVisible(bool(request_.channels));
    if (!request_.channels) ipd_.reset();
}

void PhaseHistogramPanel::setStftConfig(const StftConfig& config) {
    request_.config = config;
    schedule();
}

void PhaseHistogramPanel::setRegion(double start, double end, double fminHz, double fmaxHz) {
    request_.start = start;
    request_.end = end;
    request_.fmin = fminHz;
    request_.fmax = fmaxHz;
    schedule();
}

void PhaseHistogramPanel::setRangeDb(float rangeDb) {
    request_.rangeDb = rangeDb;
    schedule();
}

void PhaseHistogramPanel::schedule() {
    if (!request_.signal) return;
    if (running_) {
        pending_ = true;
        if (cancel_) cancel_->store(true);
        return;
    }
    running_ = true;
    cancel_ = std::make_shared<std::atomic<bool>>(false);
    status_->setText(tr("Computing…"));
    const Request r = request_;
    auto cancel = cancel_;
    watcher_->setFuture(QtConcurrent::run([r, cancel]() -> Outcome {
        Outcome o;
        try {
            const Eigen::ArrayXf& x = *r.signal;
            const int hop = r.config.hop;
            const Eigen::Index T = 1 + x.size() / hop;
            PhaseRegion region;
            region.firstFrame = std::clamp<Eigen::Index>(Eigen::Index(std::lround(r.start * r.sampleRate / hop)), 0, T - 1);
            region.lastFrame = r.end > r.start ? std::clamp<Eigen::Index>(Eigen::Index(std::lround(r.end * r.sampleRate / hop)), region.firstFrame, T - 1)
                                               : T - 1;
            region.firstBin = Eigen::Index(std::ceil(r.fmin * r.config.fft() / r.sampleRate));
            region.lastBin = r.fmax > r.fmin ? Eigen::Index(std::floor(r.fmax * r.config.fft() / r.sampleRate)) : -1;
            region.rangeDb = r.rangeDb;
            RunControl run;
            run.cancel = cancel.get();
            o.histograms = std::make_shared<PhaseHistograms>(phaseHistogramsOfSignal(x, r.config, region, 72, run));
            if (r.channels && r.channels->frames() == x.size()) {
                try {
                    o.ipd = std::make_shared<PhaseHistogram>(
                        interChannelPhaseHistogram(r.channels->data.col(0), r.channels->data.col(1), r.config, region, 72, run));
                } catch (const InputError&) {
                    // silent in one channel there: the chart says so (no IPD result)
                }
            }
        } catch (const Cancelled&) {
            return Outcome{};
        } catch (const std::exception& e) {
            o.error = QString::fromStdString(e.what());
        }
        return o;
    }));
}

void PhaseHistogramPanel::show(const PhaseHistograms& h) {
    fill(raw_, h.raw, false, tr("φ (rad)"));
    fill(centred_, h.centred, true, tr("ψ = φ − μ (rad)"));
    if (ipd_) {
        fill(ipdChart_, *ipd_, false, tr("IPD = arg(X_L X_R*) (rad)"));
        ipdChart_->chart()->setTitle(tr("Inter-channel phase difference (L vs R)"));
    } else if (request_.channels) {
        ipdChart_->chart()->removeAllSeries();
        ipdChart_->chart()->setTitle(tr("Inter-channel phase difference: a channel is silent here"));
    }
    status_->setText(summaryText());
}

bool PhaseHistogramPanel::exportCsv(const QString& path) const {
    if (!result_) return false;
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Text)) return false;
    QTextStream out(&file);
    const PhaseHistogram &raw = result_->raw, &centred = result_->centred;
    out << "# raw: kappa " << raw.fit.kappa << ", mu " << raw.fit.mu << ", R " << raw.fit.meanResultantLength << "; centred: kappa "
        << centred.fit.kappa << ", R " << centred.fit.meanResultantLength << "; n " << result_->samples << "\n";
    if (ipd_) out << "# ipd: kappa " << ipd_->fit.kappa << ", mu " << ipd_->fit.mu << ", R " << ipd_->fit.meanResultantLength << "\n";
    out << "phase_rad,raw_density,raw_von_mises,centred_density,centred_von_mises,uniform" << (ipd_ ? ",ipd_density,ipd_von_mises" : "")
        << "\n";
    for (std::size_t i = 0; i < raw.centres.size(); ++i) {
        const double c = raw.centres[i];
        out << c << "," << raw.density[i] << "," << vonmises::density(c, raw.fit.mu, raw.fit.kappa) << "," << centred.density[i]
            << "," << vonmises::density(c, 0, centred.fit.kappa) << "," << raw.uniformDensity;
        if (ipd_) out << "," << ipd_->density[i] << "," << vonmises::density(c, ipd_->fit.mu, ipd_->fit.kappa);
        out << "\n";
    }
    out.flush();
    return file.commit();
}

bool PhaseHistogramPanel::exportPng(const QString& path) {
    if (!result_) return false;
    try {
        writePng(grab().toImage(), path);
        return true;
    } catch (const std::exception&) {
        return false;
    }
}

QString PhaseHistogramPanel::summaryText() const {
    if (!result_) return status_->text();
    const auto line = [](const QString& name, const PhaseHistogram& x) {
        return QString("%1: κ = %2, R = %3, KL(hist‖vM) = %4, KL(hist‖uniform) = %5, Rayleigh p = %6")
            .arg(name)
            .arg(x.fit.kappa, 0, 'f', 3)
            .arg(x.fit.meanResultantLength, 0, 'f', 3)
            .arg(x.klVonMises, 0, 'f', 4)
            .arg(x.klUniform, 0, 'f', 4)
            .arg(x.rayleighP, 0, 'g', 3);
    };
    QString text = tr("%1 bins within %2 dB of the region's peak.\n").arg(result_->samples).arg(request_.rangeDb) +
                   line(tr("raw φ"), result_->raw) + "\n" + line(tr("centred ψ"), result_->centred);
    if (ipd_)
        text += "\n" + line(tr("IPD (L vs R, weighted by |X_L||X_R|)"), *ipd_) +
                tr(", mean IPD μ = %1 rad").arg(ipd_->fit.mu, 0, 'f', 3);
    return text;
}

}  // namespace phaselab
