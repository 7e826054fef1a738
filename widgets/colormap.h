#pragma once
// Colour maps for image panes: perceptually uniform sequential maps (viridis, magma, inferno,
// cividis), gray, and the cyclic twilight map for phase (equal colours at -pi and +pi).

#include <QColor>
#include <QStringList>
#include <array>

namespace phaselab {

enum class ColormapId { Viridis, Magma, Inferno, Cividis, Gray, Twilight };

class Colormap {
public:
    explicit Colormap(const std::array<QRgb, 256>& lut = {}) : lut_(lut) {}
    static const Colormap& get(ColormapId id);
    static QStringList names();                 // "viridis", "magma", ...
    static ColormapId fromName(const QString&); // throws InputError for an unknown name
    static QString name(ColormapId id);

    // t in [0, 1] (clamped; NaN gives the lowest colour).
    QRgb at(float t) const {
        if (!(t > 0.0f)) return lut_[0];
        if (t >= 1.0f) return lut_[255];
        return lut_[int(t * 255.0f + 0.5f)];
    }
    const std::array<QRgb, 256>& table() const { return lut_; }

private:
    std::array<QRgb, 256> lut_{};
};

// The colour of source j (reference order) in every chart that shows sources (the bar chart, the
// SDR over time, ...), so that one source keeps one colour everywhere. Cycles after 8.
QColor sourceColour(int j);

}  // namespace phaselab
