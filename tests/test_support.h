#pragma once
// Shared helpers for PhaseLab's tests: where the test audio is, seeded signals.

#include <Eigen/Core>
#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "core/io/audio.h"

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

// The mono downmix of a test signal, at most `seconds` long; its sample rate in *rate if given.
inline Eigen::ArrayXf clip(const std::string& name, double seconds, double* rate = nullptr) {
    const Audio a = readAudio(sharedAudio(name));
    if (rate) *rate = a.sampleRate;
    const Eigen::ArrayXf m = a.mono();
    return m.head(std::min<Eigen::Index>(m.size(), Eigen::Index(seconds * a.sampleRate)));
}

// music_pbd_16k: the mixture and its piano, bass and drums, the first `seconds` of each.
struct SourceSet {
    Eigen::ArrayXf mixture;
    std::vector<Eigen::ArrayXf> sources;
};
inline SourceSet musicPbd16k(double seconds) {
    SourceSet s{clip("music_pbd_16k_mix.wav", seconds), {}};
    for (const char* name : {"music_pbd_16k_piano.wav", "music_pbd_16k_bass.wav", "music_pbd_16k_drums.wav"})
        s.sources.push_back(clip(name, seconds));
    return s;
}

inline Eigen::ArrayXf sine(Eigen::Index n, double frequency, double sampleRate, double amplitude = 0.5, double phase = 0) {
    Eigen::ArrayXd t = Eigen::ArrayXd::LinSpaced(n, 0, double(n - 1));
    return (amplitude * (2 * M_PI * frequency / sampleRate * t + phase).sin()).cast<float>();
}

}  // namespace phaselab::test
