#pragma once
// Self-description of an algorithm: what the GUI's parameter forms, the CLI's options and the
// experiment files are generated from. Adding an algorithm touches no GUI or CLI code.

#include <map>
#include <string>
#include <variant>
#include <vector>

namespace phaselab {

struct ParamSpec {
    enum class Type { Integer, Real, Choice, Flag };
    std::string id;          // command-line/JSON key, kebab-case: "iterations"
    std::string label;       // form label: "Iterations"
    Type type = Type::Real;
    double defaultValue = 0;  // Integer, Real, Flag (0/1)
    double minimum = 0;
    double maximum = 0;
    std::string unit;        // "", "dB", "samples", "Hz", ...
    std::string tooltip;     // one sentence, what it does and when to change it
    std::vector<std::string> choices;  // Choice only
    std::string defaultChoice;         // Choice only
    bool logScale = false;             // Real: the form should step logarithmically
};

struct AlgorithmDescription {
    std::string id;       // "gl", "fgla", "misi", ...
    std::string name;     // "Griffin-Lim"
    std::string category; // "recovery", "separation", "magnitudes"
    std::string summary;  // one line
    std::vector<ParamSpec> params;
};

// Builders for descriptions (every field initialised).
ParamSpec integerSpec(std::string id, std::string label, double value, double minimum, double maximum, std::string unit,
                      std::string tooltip);
ParamSpec realSpec(std::string id, std::string label, double value, double minimum, double maximum, std::string unit,
                   std::string tooltip, bool logScale = false);
ParamSpec flagSpec(std::string id, std::string label, bool value, std::string tooltip);
// The default is `value`, or the first choice when omitted.
ParamSpec choiceSpec(std::string id, std::string label, std::vector<std::string> choices, std::string value,
                     std::string tooltip);
ParamSpec choiceSpec(std::string id, std::string label, std::vector<std::string> choices, std::string tooltip);

// Values keyed by ParamSpec::id. Numbers for Integer/Real/Flag, strings for Choice.
using ParamValue = std::variant<double, std::string>;
using ParamValues = std::map<std::string, ParamValue>;

// Returns the value for `id`, or the spec default. Throws InputError if the value is outside
// [minimum, maximum], not a known choice, or of the wrong kind.
double numberParam(const AlgorithmDescription& d, const ParamValues& v, const std::string& id);
std::string choiceParam(const AlgorithmDescription& d, const ParamValues& v, const std::string& id);
// Checks every value in v against d (unknown ids and out-of-range values throw InputError).
void validateParams(const AlgorithmDescription& d, const ParamValues& v);

}  // namespace phaselab
