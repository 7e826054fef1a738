#pragma once
// Shared helpers for PhaseLab's tests: where the test audio is, seeded signals.

#include <Eigen/Core>
#include <QByteArray>
#include <cstdint>
#include <random>
#include <string>

namespace phaselab::test {

inline std::string sharedAudio(const std::string& name) {
    return std::string(PHASELAB_SHARED_DIR) + "/testaudio/" + name;
}
inline std::string testData(const std::string& name) { return std::string(PHASELAB_TEST_DATA_DIR) + "/" + name; }
inline std::string binary(const std::string& name) { return std::string(PHASELAB_BIN_DIR) + "/" + name; }

inline Eigen::ArrayXf whiteNoise(Eigen::Index n, unsigned seed, float sigma = 0.1f) {
    std::mt19937 g(seed);
    std::normal_distribution<float> d(0.0f, sigma);
    Eigen::ArrayXf x(n);
    for (auto& v : x) v = d(g);
    return x;
}

inline Eigen::ArrayXf sine(Eigen::Index n, double frequency, double sampleRate, double amplitude = 0.5, double phase = 0) {
    Eigen::ArrayXd t = Eigen::ArrayXd::LinSpaced(n, 0, double(n - 1));
    return (amplitude * (2 * M_PI * frequency / sampleRate * t + phase).sin()).cast<float>();
}

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
