// Qt-free check run by the core-only build: STFT perfect reconstruction and WAV round trip.
#include <cstdio>
#include <filesystem>

#include "core/io/audio.h"
#include "core/tf/stft.h"
#include "test_support.h"

int main() {
    using namespace phaselab;
    int failed = 0, passed = 0;
    auto check = [&](bool ok, const char* what) {
        std::printf("%s: %s\n", ok ? "PASS" : "FAIL", what);
        ok ? ++passed : ++failed;
    };
    Eigen::ArrayXf x = test::whiteNoise(16000, 7);
    Stft stft(StftConfig{});
    Eigen::ArrayXf y = stft.synthesise(stft.analyse(x), x.size());
    check((x - y).abs().maxCoeff() < 1e-5f, "STFT perfect reconstruction");

    const std::string path = (std::filesystem::temp_directory_path() / "phaselab_core_smoke.wav").string();
    writeAudio(path, Audio::fromMono(x, 16000), SampleFormat::Float32);
    Audio back = readAudio(path);
    check(back.frames() == x.size() && (back.data.col(0) - x).abs().maxCoeff() == 0.0f, "WAV float round trip");
    std::filesystem::remove(path);

    std::printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
