// phaselab-cli algorithms: every algorithm's description (parameters, defaults, ranges, units).
#include <QJsonArray>
#include <cstdio>

#include "cli_common.h"
#include "core/nmf/beta_nmf.h"
#include "core/nmf/em_isnmf.h"
#include "core/recovery/registry.h"
#include "core/separation/multichannel_wiener.h"
#include "core/separation/registry.h"
#include "core/stream/registry.h"

namespace phaselab::cli {
namespace {

const char* typeName(ParamSpec::Type t) {
    switch (t) {
        case ParamSpec::Type::Integer: return "integer";
        case ParamSpec::Type::Real: return "real";
        case ParamSpec::Type::Choice: return "choice";
        case ParamSpec::Type::Flag: return "flag";
    }
    return "real";
}

// How the algorithm treats a multichannel input (empty for the magnitude estimators).
std::string multichannel(const AlgorithmDescription& d) {
    if (d.category.rfind("online", 0) == 0)
        return "channel by channel: one engine per channel in `stream` (--mono: the downmix; stream --json says which) "
               "and in the GUI's live mode";
    if (d.id == separation::mcWienerDescription().id) return "jointly: every channel at once (spatial covariances), stereo images from per-channel magnitudes";
    if (const auto* m = separation::findSeparationMethod(d.id)) return separation::multichannelHandling(*m);
    if (recovery::findRecoveryAlgorithm(d.id)) return recovery::kMultichannelRecovery;
    return {};
}

QJsonObject toJson(const AlgorithmDescription& d) {
    QJsonArray params;
    for (const auto& s : d.params) {
        QJsonObject o{{"id", QString::fromStdString(s.id)},
                      {"label", QString::fromStdString(s.label)},
                      {"type", typeName(s.type)},
                      {"unit", QString::fromStdString(s.unit)},
                      {"tooltip", QString::fromStdString(s.tooltip)}};
        if (s.type == ParamSpec::Type::Choice) {
            QJsonArray c;
            for (const auto& x : s.choices) c << QString::fromStdString(x);
            o["choices"] = c;
            o["default"] = QString::fromStdString(s.defaultChoice);
        } else {
            o["default"] = s.defaultValue;
            o["minimum"] = s.minimum;
            o["maximum"] = s.maximum;
            if (s.logScale) o["log_scale"] = true;
        }
        params << o;
    }
    const bool online = d.category.rfind("online", 0) == 0;
    QJsonObject o{{"id", QString::fromStdString(d.id)},
                  {"name", QString::fromStdString(d.name)},
                  {"category", QString::fromStdString(d.category)},
                  {"command", online ? "stream" : "recover / separate"},
                  {"summary", QString::fromStdString(d.summary)},
                  {"parameters", params}};
    if (const std::string m = multichannel(d); !m.empty()) o["multichannel"] = QString::fromStdString(m);
    return o;
}

std::vector<const AlgorithmDescription*> allDescriptions() {
    std::vector<const AlgorithmDescription*> d = recovery::recoveryAlgorithms();
    for (const auto& m : separation::separationMethods()) d.push_back(m.description);
    d.push_back(&separation::mcWienerDescription());
    d.push_back(&nmf::betaNmfDescription());
    d.push_back(&nmf::emIsNmfDescription());
    for (const auto* s : stream::streamAlgorithms()) d.push_back(s);
    return d;
}

}  // namespace

int runAlgorithms(const QStringList& args) {
    QCommandLineParser p;
    p.setApplicationDescription(
        "List the algorithms with their parameters, defaults, ranges and units (from their descriptions):\n"
        "phase recovery, separation methods and magnitude estimators, and the online methods of\n"
        "`phaselab-cli stream` (categories 'online recovery' and 'online separation').");
    p.addOption({"json", "Print JSON."});
    if (!parse(p, args, 0, 0)) return ExitOk;
    const auto all = allDescriptions();
    if (p.isSet("json")) {
        QJsonArray a, planned;
        for (const auto* d : all) a << toJson(*d);
        for (const auto& id : separation::plannedSeparationMethods()) planned << QString::fromStdString(id);
        printJson(QJsonObject{{"algorithms", a}, {"not_implemented", planned}});
        return ExitOk;
    }
    for (const auto* d : all) {
        std::printf("%-14s %-10s %s\n", d->id.c_str(), d->category.c_str(), d->name.c_str());
        std::printf("               %s\n", d->summary.c_str());
        if (const std::string m = multichannel(*d); !m.empty()) std::printf("               multichannel: %s\n", m.c_str());
        for (const auto& s : d->params) {
            std::printf("    --%-18s ", s.id.c_str());
            if (s.type == ParamSpec::Type::Choice) {
                std::string c;
                for (const auto& x : s.choices) c += (c.empty() ? "" : "|") + x;
                std::printf("%s (default %s)", c.c_str(), s.defaultChoice.c_str());
            } else {
                std::printf("%s %g .. %g, default %g%s%s", typeName(s.type), s.minimum, s.maximum, s.defaultValue,
                            s.unit.empty() ? "" : " ", s.unit.c_str());
            }
            std::printf("\n        %s\n", s.tooltip.c_str());
        }
    }
    if (!separation::plannedSeparationMethods().empty()) {
        std::printf("\nNot implemented yet:");
        for (const auto& id : separation::plannedSeparationMethods()) std::printf(" %s", id.c_str());
        std::printf("\n");
    }
    return ExitOk;
}

}  // namespace phaselab::cli
