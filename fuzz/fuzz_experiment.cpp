// libFuzzer target: the experiment file parser (core/experiment). Any InputError is a correct
// answer; a crash, an uncaught exception, a sanitizer report or a leak is a bug. Names that parse
// are checked to give file names that stay where they are put.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/common/error.h"
#include "core/experiment/experiment.h"
#include "core/io/output_policy.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace phaselab;
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        const experiment::Experiment e = experiment::parse(text, "fuzz.json");
        std::vector<std::string> names{e.mixture.name};
        for (const auto& r : e.references) names.push_back(r.name);
        for (const std::string& n : uniqueFileNames(names))
            if (n.empty() || n.find('/') != std::string::npos || n == "." || n == "..") __builtin_trap();
        for (const auto& run : e.runs) run.stft.validate();
    } catch (const InputError&) {
    }
    return 0;
}
