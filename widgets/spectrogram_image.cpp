#include "widgets/spectrogram_image.h"

#include <QFontMetrics>
#include <QPainter>
#include <algorithm>
#include <cmath>
#include <limits>

namespace phaselab {

QImage renderSpectrogram(const Magnitudes& levelsDb, double firstFrame, double lastFrame, double binHz,
                         const SpectrogramStyle& style, QSize size) {
    QImage image(size, QImage::Format_RGB32);
    const int W = size.width(), H = size.height();
    const Eigen::Index F = levelsDb.rows(), T = levelsDb.cols();
    const Colormap& cmap = Colormap::get(style.colormap);
    if (W <= 0 || H <= 0) return image;
    if (F == 0 || T == 0 || lastFrame <= firstFrame) {
        image.fill(cmap.at(0));
        return image;
    }
    // Row -> fractional bin range covered by the pixel.
    std::vector<double> binLo(static_cast<std::size_t>(H)), binHi(static_cast<std::size_t>(H));
    for (int y = 0; y < H; ++y) {
        binHi[std::size_t(y)] = style.axis.toHz(1.0 - double(y) / H) / binHz;
        binLo[std::size_t(y)] = style.axis.toHz(1.0 - double(y + 1) / H) / binHz;
    }
    const double framesPerPixel = (lastFrame - firstFrame) / W;
    const float scale = 1.0f / style.rangeDb, bottom = style.topDb - style.rangeDb;
    const bool nanColour = style.nanColour.isValid();
    const QRgb nanRgb = style.nanColour.rgb();
    std::vector<float> column(static_cast<std::size_t>(F));
    for (int x = 0; x < W; ++x) {
        const double f0 = firstFrame + x * framesPerPixel;
        Eigen::Index t0 = Eigen::Index(std::floor(f0 + 0.5));
        Eigen::Index t1 = std::max<Eigen::Index>(t0 + 1, Eigen::Index(std::floor(f0 + framesPerPixel + 0.5)));
        t0 = std::clamp<Eigen::Index>(t0, 0, T - 1);
        t1 = std::clamp<Eigen::Index>(t1, t0 + 1, T);
        if (t1 - t0 == 1 || !style.maxPooling)
            for (Eigen::Index f = 0; f < F; ++f) column[std::size_t(f)] = levelsDb(f, t0);
        else
            for (Eigen::Index f = 0; f < F; ++f) column[std::size_t(f)] = levelsDb.block(f, t0, 1, t1 - t0).maxCoeff();
        for (int y = 0; y < H; ++y) {
            const double lo = binLo[std::size_t(y)], hi = binHi[std::size_t(y)];
            float v;
            if (hi - lo <= 1.0 || !style.maxPooling) {
                const double c = std::clamp(0.5 * (lo + hi), 0.0, double(F - 1));
                const Eigen::Index b = std::min<Eigen::Index>(Eigen::Index(c), F - 2 < 0 ? 0 : F - 2);
                const float a = float(c - double(b));
                if (!style.maxPooling) v = column[std::size_t(std::clamp<Eigen::Index>(Eigen::Index(c + 0.5), 0, F - 1))];
                else v = F > 1 ? column[std::size_t(b)] * (1 - a) + column[std::size_t(b + 1)] * a : column[0];
            } else {
                const Eigen::Index b0 = std::clamp<Eigen::Index>(Eigen::Index(std::ceil(lo)), 0, F - 1);
                const Eigen::Index b1 = std::clamp<Eigen::Index>(Eigen::Index(std::floor(hi)), b0, F - 1);
                v = *std::max_element(column.begin() + b0, column.begin() + b1 + 1);
            }
            reinterpret_cast<QRgb*>(image.scanLine(y))[x] = std::isnan(v) && nanColour ? nanRgb : cmap.at((v - bottom) * scale);
        }
    }
    return image;
}

QString formatHz(double hz) {
    if (hz >= 1000) return QString::number(hz / 1000.0, 'g', 3) + " kHz";
    return QString::number(hz, 'g', 3) + " Hz";
}

void paintFrequencyTicks(QPainter& p, const QRect& axisRect, const QRect& plot, const FrequencyAxis& axis, const QColor& text) {
    QList<QPair<double, QString>> ticks;
    for (double hz : frequencyTicks(axis, std::max(2, plot.height() / 40))) ticks.append({hz, formatHz(hz)});
    paintAxisTicks(p, axisRect, plot, axis, ticks, text);
}

void paintAxisTicks(QPainter& p, const QRect& axisRect, const QRect& plot, const FrequencyAxis& axis,
                    const QList<QPair<double, QString>>& ticks, const QColor& text) {
    const QFontMetrics fm(p.font());
    p.setPen(text);
    int lastLabelY = std::numeric_limits<int>::max();
    for (const auto& [at, label] : ticks) {
        const int y = plot.bottom() - int(std::lround(axis.toPosition(at) * plot.height()));
        p.drawLine(axisRect.right() - 4, y, axisRect.right(), y);
        const int top = std::clamp(y - fm.height() / 2, plot.top(), plot.bottom() - fm.height() + 1);
        if (top + fm.height() > lastLabelY) continue;
        lastLabelY = top;
        p.drawText(QRect(axisRect.left(), top, axisRect.width() - 8, fm.height()), Qt::AlignRight | Qt::AlignVCenter, label);
    }
}

QList<double> frequencyTicks(const FrequencyAxis& axis, int maxTicks) {
    QList<double> ticks;
    const double lo = axis.lowHz(), hi = axis.maxHz;
    if (axis.scale == FrequencyScale::Linear) {
        const double raw = (hi - lo) / std::max(1, maxTicks);
        const double mag = std::pow(10.0, std::floor(std::log10(raw)));
        double step = mag;
        for (double m : {1.0, 2.0, 2.5, 5.0, 10.0})
            if (m * mag >= raw) { step = m * mag; break; }
        for (double f = std::ceil(lo / step) * step; f <= hi + 1e-9; f += step) ticks << f;
    } else {
        if (lo <= 0) ticks << 0.0;
        for (double decade = std::pow(10.0, std::floor(std::log10(std::max(lo, 10.0)))); decade <= hi; decade *= 10)
            for (double m : {1.0, 2.0, 5.0}) {
                const double f = m * decade;
                if (f >= lo - 1e-9 && f <= hi + 1e-9) ticks << f;
            }
        while (ticks.size() > std::max(2, maxTicks)) {
            QList<double> thinned;
            for (int i = 0; i < ticks.size(); i += 2) thinned << ticks[i];
            ticks = thinned;
        }
    }
    return ticks;
}

QImage renderLabelledSpectrogram(const Magnitudes& levelsDb, double binHz, double frameSeconds,
                                 const SpectrogramStyle& style, QSize size, const QString& title) {
    QImage image(size, QImage::Format_RGB32);
    image.fill(QColor(250, 250, 250));
    QPainter p(&image);
    p.setRenderHint(QPainter::Antialiasing);
    QFont font = p.font();
    font.setPixelSize(std::clamp(size.height() / 40, 10, 16));
    p.setFont(font);
    const QFontMetrics fm(font);
    const int left = fm.horizontalAdvance("22.1 kHz") + 14, right = fm.horizontalAdvance("-12000.0 " + style.unit) + 30;
    const int top = fm.height() * 2, bottom = fm.height() * 2 + 10;
    const QRect plot(left, top, std::max(10, size.width() - left - right), std::max(10, size.height() - top - bottom));
    const double frames = double(levelsDb.cols());
    p.drawImage(plot.topLeft(), renderSpectrogram(levelsDb, 0, frames, binHz, style, plot.size()));
    p.setPen(QColor(40, 40, 40));
    p.drawRect(plot.adjusted(0, 0, -1, -1));
    p.drawText(QRect(0, 0, size.width(), top), Qt::AlignCenter, title);

    QList<QPair<double, QString>> rowTicks = style.rowTicks;
    if (rowTicks.isEmpty())
        for (double hz : frequencyTicks(style.axis, std::max(2, plot.height() / (fm.height() * 2)))) rowTicks.append({hz, formatHz(hz)});
    int lastLabelY = std::numeric_limits<int>::max();
    for (const auto& [at, label] : rowTicks) {
        const int y = plot.bottom() - int(std::lround(style.axis.toPosition(at) * plot.height()));
        if (lastLabelY - y < fm.height() + 2) continue;
        lastLabelY = y;
        p.drawLine(plot.left() - 5, y, plot.left(), y);
        p.drawText(QRect(0, y - fm.height() / 2, plot.left() - 8, fm.height()), Qt::AlignRight | Qt::AlignVCenter, label);
    }
    const double seconds = frames * frameSeconds;
    const double raw = seconds / std::max(2, plot.width() / (fm.horizontalAdvance("00.00 s") + 20));
    const double mag = std::pow(10.0, std::floor(std::log10(std::max(raw, 1e-6))));
    double step = mag;
    for (double m : {1.0, 2.0, 5.0, 10.0})
        if (m * mag >= raw) { step = m * mag; break; }
    for (double s = 0; s <= seconds + 1e-9; s += step) {
        const int x = plot.left() + int(std::lround(s / seconds * plot.width()));
        p.drawLine(x, plot.bottom(), x, plot.bottom() + 5);
        p.drawText(QRect(x - 40, plot.bottom() + 6, 80, fm.height()), Qt::AlignCenter, QString::number(s, 'g', 4) + " s");
    }
    p.drawText(QRect(plot.left(), plot.bottom() + 8 + fm.height(), plot.width(), fm.height()), Qt::AlignCenter, "time");

    const QRect bar(plot.right() + 12, plot.top(), 14, plot.height());
    const Colormap& cmap = Colormap::get(style.colormap);
    for (int y = 0; y < bar.height(); ++y) {
        p.setPen(QColor(cmap.at(1.0f - float(y) / float(bar.height() - 1))));
        p.drawLine(bar.left(), bar.top() + y, bar.right(), bar.top() + y);
    }
    p.setPen(QColor(40, 40, 40));
    p.drawRect(bar.adjusted(0, 0, -1, -1));
    for (int k = 0; k <= 4; ++k) {
        const double value = style.topDb - style.rangeDb * k / 4.0;
        const int y = bar.top() + int(std::lround(bar.height() * k / 4.0));
        const double step = style.rangeDb / 4.0;
        const int decimals = step >= 10 ? 0 : step >= 1 ? (step == std::floor(step) ? 0 : 1) : 2;
        p.drawText(QRect(bar.right() + 4, y - fm.height() / 2, right, fm.height()), Qt::AlignLeft | Qt::AlignVCenter,
                   QString::number(value, 'f', decimals) + (style.unit.isEmpty() ? QString() : " " + style.unit));
    }
    return image;
}

}  // namespace phaselab
