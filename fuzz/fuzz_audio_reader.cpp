// libFuzzer target: the audio reader (libsndfile behind readAudio/probeAudio/readAudioRange) on
// arbitrary bytes, through an in-memory file. Any InputError is a correct answer; a crash, a
// sanitizer report, a leak or an allocation beyond -rss_limit_mb is a bug.
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "core/common/error.h"
#include "core/io/audio.h"

namespace {

const std::string& memoryFile() {
    static const std::string path = [] {
        const int fd = memfd_create("phaselab-fuzz", 0);
        if (fd < 0) __builtin_trap();
        return "/proc/self/fd/" + std::to_string(fd);
    }();
    return path;
}

int descriptor() { return std::stoi(memoryFile().substr(std::string("/proc/self/fd/").size())); }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const int fd = descriptor();
    if (ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != ssize_t(size)) return 0;
    using namespace phaselab;
    ReadOptions options;
    options.maxBytes = std::int64_t(64) << 20;
    options.allowTruncated = size > 0 && (data[size - 1] & 1);
    try {
        probeAudio(memoryFile());
    } catch (const InputError&) {
    }
    try {
        ReadReport report;
        const Audio a = readAudio(memoryFile(), options, &report);
        if (a.frames() <= 0 || a.channels() <= 0 || !a.data.allFinite()) __builtin_trap();
    } catch (const InputError&) {
    }
    try {
        readAudioRange(memoryFile(), 7, 1000);
    } catch (const InputError&) {
    }
    return 0;
}
