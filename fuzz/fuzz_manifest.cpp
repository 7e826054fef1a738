// libFuzzer target: the batch manifest parser (core/experiment). Any InputError is a correct
// answer; a crash, an uncaught exception, a sanitizer report or a leak is a bug. A manifest that
// parses never names a track file outside its track folder.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>

#include "core/common/error.h"
#include "core/experiment/experiment.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace phaselab;
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        const experiment::Manifest m = experiment::parseManifest(text, "/fuzz/batch.json");
        std::vector<std::string> files = m.sources;
        files.push_back(m.mixture);
        for (const std::string& f : files) {
            if (f.empty() || std::filesystem::path(f).is_absolute()) __builtin_trap();
            for (const auto& part : std::filesystem::path(f))
                if (part == "..") __builtin_trap();
        }
    } catch (const InputError&) {
    }
    return 0;
}
