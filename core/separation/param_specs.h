#pragma once
// Small builders for ParamSpec entries (keeps the descriptions of the separation and NMF
// algorithms short and every field initialised).

#include <string>
#include <vector>

#include "core/common/description.h"

namespace phaselab::separation::spec {

inline ParamSpec integer(std::string id, std::string label, double def, double min, double max, std::string unit,
                         std::string tip) {
    ParamSpec p;
    p.id = std::move(id);
    p.label = std::move(label);
    p.type = ParamSpec::Type::Integer;
    p.defaultValue = def;
    p.minimum = min;
    p.maximum = max;
    p.unit = std::move(unit);
    p.tooltip = std::move(tip);
    return p;
}

inline ParamSpec real(std::string id, std::string label, double def, double min, double max, std::string unit,
                      std::string tip, bool logScale = false) {
    ParamSpec p = integer(std::move(id), std::move(label), def, min, max, std::move(unit), std::move(tip));
    p.type = ParamSpec::Type::Real;
    p.logScale = logScale;
    return p;
}

inline ParamSpec choice(std::string id, std::string label, std::vector<std::string> choices, std::string tip) {
    ParamSpec p;
    p.id = std::move(id);
    p.label = std::move(label);
    p.type = ParamSpec::Type::Choice;
    p.defaultChoice = choices.front();
    p.choices = std::move(choices);
    p.tooltip = std::move(tip);
    return p;
}

}  // namespace phaselab::separation::spec
