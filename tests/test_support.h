#pragma once
// Shared helpers for PhaseLab's tests: where the test audio is, seeded signals.

#include <Eigen/Core>
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

}  // namespace phaselab::test
