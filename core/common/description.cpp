#include "core/common/description.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "core/common/error.h"

namespace phaselab {
namespace {

const ParamSpec& findSpec(const AlgorithmDescription& d, const std::string& id) {
    for (const auto& p : d.params)
        if (p.id == id) return p;
    throw InputError(d.name + " has no parameter '" + id + "'");
}

void checkNumber(const AlgorithmDescription& d, const ParamSpec& p, double x) {
    if (!std::isfinite(x) || x < p.minimum || x > p.maximum) {
        std::ostringstream s;
        s << d.name << ": " << p.label << " must be between " << p.minimum << " and " << p.maximum
          << (p.unit.empty() ? "" : " " + p.unit) << ", got " << x;
        throw InputError(s.str());
    }
    if (p.type == ParamSpec::Type::Integer && x != std::floor(x))
        throw InputError(d.name + ": " + p.label + " must be a whole number");
}

}  // namespace

ParamSpec integerSpec(std::string id, std::string label, double value, double minimum, double maximum, std::string unit,
                      std::string tooltip) {
    ParamSpec p;
    p.id = std::move(id);
    p.label = std::move(label);
    p.type = ParamSpec::Type::Integer;
    p.defaultValue = value;
    p.minimum = minimum;
    p.maximum = maximum;
    p.unit = std::move(unit);
    p.tooltip = std::move(tooltip);
    return p;
}

ParamSpec realSpec(std::string id, std::string label, double value, double minimum, double maximum, std::string unit,
                   std::string tooltip, bool logScale) {
    ParamSpec p = integerSpec(std::move(id), std::move(label), value, minimum, maximum, std::move(unit), std::move(tooltip));
    p.type = ParamSpec::Type::Real;
    p.logScale = logScale;
    return p;
}

ParamSpec flagSpec(std::string id, std::string label, bool value, std::string tooltip) {
    ParamSpec p = integerSpec(std::move(id), std::move(label), value ? 1 : 0, 0, 1, "", std::move(tooltip));
    p.type = ParamSpec::Type::Flag;
    return p;
}

ParamSpec choiceSpec(std::string id, std::string label, std::vector<std::string> choices, std::string value,
                     std::string tooltip) {
    ParamSpec p;
    p.id = std::move(id);
    p.label = std::move(label);
    p.type = ParamSpec::Type::Choice;
    p.choices = std::move(choices);
    p.defaultChoice = std::move(value);
    p.tooltip = std::move(tooltip);
    return p;
}

ParamSpec choiceSpec(std::string id, std::string label, std::vector<std::string> choices, std::string tooltip) {
    std::string first = choices.empty() ? std::string() : choices.front();
    return choiceSpec(std::move(id), std::move(label), std::move(choices), std::move(first), std::move(tooltip));
}

double numberParam(const AlgorithmDescription& d, const ParamValues& v, const std::string& id) {
    const ParamSpec& p = findSpec(d, id);
    auto it = v.find(id);
    if (it == v.end()) return p.defaultValue;
    if (!std::holds_alternative<double>(it->second))
        throw InputError(d.name + ": " + p.label + " must be a number");
    double x = std::get<double>(it->second);
    checkNumber(d, p, x);
    return x;
}

std::string choiceParam(const AlgorithmDescription& d, const ParamValues& v, const std::string& id) {
    const ParamSpec& p = findSpec(d, id);
    auto it = v.find(id);
    if (it == v.end()) return p.defaultChoice;
    if (!std::holds_alternative<std::string>(it->second))
        throw InputError(d.name + ": " + p.label + " must be one of its choices");
    const auto& s = std::get<std::string>(it->second);
    if (std::find(p.choices.begin(), p.choices.end(), s) == p.choices.end()) {
        std::string all;
        for (const auto& c : p.choices) all += (all.empty() ? "" : ", ") + c;
        throw InputError(d.name + ": " + p.label + " must be one of " + all + ", got '" + s + "'");
    }
    return s;
}

void validateParams(const AlgorithmDescription& d, const ParamValues& v) {
    for (const auto& [id, value] : v) {
        const ParamSpec& p = findSpec(d, id);
        if (p.type == ParamSpec::Type::Choice)
            choiceParam(d, v, id);
        else
            numberParam(d, v, id);
        (void)value;
    }
}

}  // namespace phaselab
