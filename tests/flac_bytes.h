#pragma once
// Editing a FLAC file's bytes in tests (Qt tests only; test_support.h stays Qt-free).

#include <QByteArray>
#include <cstdint>

namespace phaselab::test {

// `flac` (a FLAC file's bytes) with its STREAMINFO total-samples field (36 bits at byte 18) set to
// `total`; 0 means "unknown", as a streamed encoder writes it.
inline QByteArray withTotalSamples(QByteArray flac, std::uint64_t total) {
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = (v << 8) | std::uint8_t(flac[18 + i]);
    v = (v & ~((std::uint64_t(1) << 36) - 1)) | (total & ((std::uint64_t(1) << 36) - 1));
    for (int i = 7; i >= 0; --i, v >>= 8) flac[18 + i] = char(v & 0xff);
    return flac;
}

}  // namespace phaselab::test
