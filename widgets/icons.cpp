#include "widgets/icons.h"

#include <QPainter>
#include <QPainterPath>
#include <cmath>

#include "widgets/colormap.h"

namespace phaselab {

static void drawIcon(QPainter& p, IconId id, const QColor& c) {
    // 24 x 24 design grid.
    p.setRenderHint(QPainter::Antialiasing);
    QPen pen(c, 2.0, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin);
    p.setPen(pen);
    p.setBrush(Qt::NoBrush);
    auto magnifier = [&] {
        p.drawEllipse(QPointF(10, 10), 6, 6);
        p.drawLine(QPointF(14.5, 14.5), QPointF(20, 20));
    };
    switch (id) {
    case IconId::Open: {
        QPainterPath path;
        path.moveTo(3, 6); path.lineTo(9, 6); path.lineTo(11, 8); path.lineTo(20, 8); path.lineTo(20, 18); path.lineTo(3, 18); path.closeSubpath();
        p.drawPath(path);
        break;
    }
    case IconId::Play: {
        p.setBrush(c);
        p.drawPolygon(QPolygonF({QPointF(7, 4.5), QPointF(19, 12), QPointF(7, 19.5)}));
        break;
    }
    case IconId::Pause:
        p.setBrush(c);
        p.drawRoundedRect(QRectF(6, 5, 4, 14), 1, 1);
        p.drawRoundedRect(QRectF(14, 5, 4, 14), 1, 1);
        break;
    case IconId::Stop:
        p.setBrush(c);
        p.drawRoundedRect(QRectF(6, 6, 12, 12), 1.5, 1.5);
        break;
    case IconId::Loop: {
        p.drawArc(QRectF(4, 6, 16, 12), 30 * 16, 300 * 16);
        p.setBrush(c);
        p.drawPolygon(QPolygonF({QPointF(17, 3.5), QPointF(21.5, 7.5), QPointF(16, 9.5)}));
        break;
    }
    case IconId::ZoomIn:
        magnifier();
        p.drawLine(QPointF(7, 10), QPointF(13, 10));
        p.drawLine(QPointF(10, 7), QPointF(10, 13));
        break;
    case IconId::ZoomOut:
        magnifier();
        p.drawLine(QPointF(7, 10), QPointF(13, 10));
        break;
    case IconId::ZoomFit:
        p.drawLine(QPointF(3, 12), QPointF(21, 12));
        p.drawPolyline(QPolygonF({QPointF(7, 8), QPointF(3, 12), QPointF(7, 16)}));
        p.drawPolyline(QPolygonF({QPointF(17, 8), QPointF(21, 12), QPointF(17, 16)}));
        p.drawLine(QPointF(3, 4), QPointF(3, 20));
        p.drawLine(QPointF(21, 4), QPointF(21, 20));
        break;
    case IconId::ZoomSelection:
        p.setBrush(QColor(c.red(), c.green(), c.blue(), 70));
        p.drawRect(QRectF(6, 5, 12, 14));
        p.drawLine(QPointF(2, 12), QPointF(6, 12));
        p.drawLine(QPointF(18, 12), QPointF(22, 12));
        break;
    case IconId::Export:
        p.drawRoundedRect(QRectF(3, 5, 18, 14), 2, 2);
        p.drawPolyline(QPolygonF({QPointF(5, 17), QPointF(10, 11), QPointF(13, 14), QPointF(16, 10), QPointF(19, 15)}));
        break;
    case IconId::Demo: {
        p.drawLine(QPointF(12, 3), QPointF(12, 21));
        for (int k = 0; k < 5; ++k) {
            const double x = 4 + 4 * k, h = 3 + 6 * std::abs(std::sin(k * 1.3 + 0.4));
            p.drawLine(QPointF(x, 12 - h), QPointF(x, 12 + h));
        }
        break;
    }
    }
}

QIcon makeIcon(IconId id, const QColor& colour) {
    QIcon icon;
    for (int size : {16, 24, 32, 48}) {
        for (auto mode : {QIcon::Normal, QIcon::Disabled}) {
            QPixmap pm(size, size);
            pm.fill(Qt::transparent);
            QPainter p(&pm);
            p.scale(size / 24.0, size / 24.0);
            drawIcon(p, id, mode == QIcon::Normal ? colour : QColor(110, 114, 122));
            p.end();
            icon.addPixmap(pm, mode);
        }
    }
    return icon;
}

QImage appIconImage(int size) {
    QImage img(size, size, QImage::Format_ARGB32_Premultiplied);
    img.fill(Qt::transparent);
    QPainter p(&img);
    p.setRenderHint(QPainter::Antialiasing);
    const QRectF r(size * 0.06, size * 0.06, size * 0.88, size * 0.88);
    QLinearGradient g(r.topLeft(), r.bottomLeft());
    const Colormap& cmap = Colormap::get(ColormapId::Magma);
    for (int k = 0; k <= 4; ++k) g.setColorAt(k / 4.0, QColor(cmap.at(0.85f - 0.75f * k / 4.0f)));
    p.setPen(Qt::NoPen);
    p.setBrush(g);
    p.drawRoundedRect(r, size * 0.18, size * 0.18);
    QPainterPath wave;
    for (int i = 0; i <= 64; ++i) {
        const double x = r.left() + r.width() * (0.1 + 0.8 * i / 64.0);
        const double y = r.center().y() - r.height() * 0.28 * std::sin(i / 64.0 * 4 * M_PI) * std::exp(-i / 64.0);
        if (i == 0) wave.moveTo(x, y);
        else wave.lineTo(x, y);
    }
    p.setPen(QPen(QColor(240, 248, 255), size * 0.06, Qt::SolidLine, Qt::RoundCap));
    p.setBrush(Qt::NoBrush);
    p.drawPath(wave);
    return img;
}

QIcon appIcon() {
    QIcon icon;
    for (int s : {16, 32, 48, 64, 128, 256}) icon.addPixmap(QPixmap::fromImage(appIconImage(s)));
    return icon;
}

}  // namespace phaselab
