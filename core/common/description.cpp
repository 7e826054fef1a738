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
