#include "widgets/colormap.h"

#include "core/common/error.h"
#include "widgets/colormap_data.h"

namespace phaselab {
namespace {

Colormap fromTable(const std::uint8_t (&t)[256][3]) {
    std::array<QRgb, 256> lut{};
    for (int i = 0; i < 256; ++i) lut[std::size_t(i)] = qRgb(t[i][0], t[i][1], t[i][2]);
    return Colormap(lut);
}

}  // namespace

const Colormap& Colormap::get(ColormapId id) {
    static const std::array<Colormap, 6> maps = [] {
        std::array<Colormap, 6> m;
        m[0] = fromTable(colormapdata::viridis);
        m[1] = fromTable(colormapdata::magma);
        m[2] = fromTable(colormapdata::inferno);
        m[3] = fromTable(colormapdata::cividis);
        std::uint8_t gray[256][3];
        for (int i = 0; i < 256; ++i) gray[i][0] = gray[i][1] = gray[i][2] = std::uint8_t(i);
        m[4] = fromTable(gray);
        m[5] = fromTable(colormapdata::twilight);
        return m;
    }();
    return maps[std::size_t(id)];
}

QStringList Colormap::names() { return {"viridis", "magma", "inferno", "cividis", "gray", "twilight"}; }

QString Colormap::name(ColormapId id) { return names().at(int(id)); }

ColormapId Colormap::fromName(const QString& n) {
    const int i = int(names().indexOf(n));
    if (i < 0) throw InputError("unknown colour map '" + n.toStdString() + "' (use " + names().join(", ").toStdString() + ")");
    return ColormapId(i);
}

QColor sourceColour(int j) {
    // Okabe-Ito, a palette told apart with every common colour-vision deficiency.
    static const QColor palette[] = {QColor(0, 114, 178), QColor(230, 159, 0),  QColor(0, 158, 115), QColor(213, 94, 0),
                                     QColor(204, 121, 167), QColor(86, 180, 233), QColor(240, 228, 66), QColor(150, 150, 150)};
    return palette[((j % 8) + 8) % 8];
}

}  // namespace phaselab
