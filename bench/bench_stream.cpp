// The streaming engine and its online methods (issue 13): each runs 10 s of audio through
// StreamEngine in blocks, as the live mode does (RTISI-LA(2) and RTPGHI(1) -> GSRTISI-LA(1) at 12
// passes per frame; NMF magnitudes + online Wiener on the mixture alone). Figures: the real-time factor (processing time /
// audio duration; the goals are <= 0.02 for RTPGHI and <= 0.10 for every method at 44.1 kHz, 2048/256
// and at 16 kHz, 256/128) and the ratio to the bare streaming STFT chain (a pass-through processor)
// measured in the same run.
#include <benchmark/benchmark.h>

#include "core/io/audio.h"
#include "core/nmf/beta_nmf.h"
#include "core/stream/nmf_stream.h"
#include "core/stream/online_separation.h"
#include "core/stream/rtisila.h"
#include "core/stream/rtpghi.h"
#include "ratio_reporter.h"

using namespace phaselab;
using namespace phaselab::stream;

namespace {

struct Setup {
    StftConfig config;
    double rate;
    int block;
    std::vector<Eigen::ArrayXf> signals;  // mixture, then sources
};

const Setup& music() {  // 44.1 kHz, 2048/256, blocks of 512
    static const Setup s = [] {
        Setup s;
        s.config.windowLength = 2048;
        s.config.hop = 256;
        s.block = 512;
        const Audio a = readAudio(std::string(PHASELAB_SHARED_DIR) + "/testaudio/music_pbd_44k_mix.wav");
        s.rate = a.sampleRate;
        const Eigen::Index n = std::min<Eigen::Index>(a.frames(), Eigen::Index(10 * a.sampleRate));
        s.signals.push_back(a.mono().head(n));
        for (const char* stem : {"piano", "bass", "drums"})
            s.signals.push_back(readAudio(std::string(PHASELAB_SHARED_DIR) + "/testaudio/music_pbd_44k_" + stem + ".wav").mono().head(n));
        return s;
    }();
    return s;
}

const Setup& speech() {  // 16 kHz, 256/128 (FFT 512), blocks of 128
    static const Setup s = [] {
        Setup s;
        s.config.windowLength = 256;
        s.config.hop = 128;
        s.config.fftSize = 512;
        s.block = 128;
        const Audio a = readAudio(std::string(PHASELAB_SHARED_DIR) + "/testaudio/two_speakers_16k_mix.wav");
        s.rate = a.sampleRate;
        const Eigen::Index n = std::min<Eigen::Index>(a.frames(), Eigen::Index(10 * a.sampleRate));
        s.signals.push_back(a.mono().head(n));
        for (const char* spk : {"spk1", "spk2"})
            s.signals.push_back(readAudio(std::string(PHASELAB_SHARED_DIR) + "/testaudio/two_speakers_16k_" + spk + ".wav").mono().head(n));
        return s;
    }();
    return s;
}

class PassThrough final : public FrameProcessor {
public:
    int inputs() const override { return 1; }
    int outputs() const override { return 1; }
    int lookahead() const override { return 0; }
    void process(const Spectrogram& in, Spectrogram& out) override { out.col(0) = in.col(0); }
    void reset() override {}
};

void run(benchmark::State& state, const Setup& s, std::unique_ptr<FrameProcessor> processor) {
    StreamEngine engine(s.config, std::move(processor));
    const int inputs = engine.processor().inputs(), outputs = engine.processor().outputs();
    const Eigen::Index L = s.signals[0].size();
    std::vector<Eigen::ArrayXf> out(static_cast<std::size_t>(outputs), Eigen::ArrayXf::Zero(L));
    std::vector<const float*> ip(static_cast<std::size_t>(inputs), nullptr);
    std::vector<float*> op(static_cast<std::size_t>(outputs), nullptr);
    for (auto _ : state) {
        engine.reset();
        for (Eigen::Index at = 0; at + s.block <= L; at += s.block) {
            for (int i = 0; i < inputs; ++i) ip[std::size_t(i)] = s.signals[std::size_t(i)].data() + at;
            for (int j = 0; j < outputs; ++j) op[std::size_t(j)] = out[std::size_t(j)].data() + at;
            engine.process(ip.data(), op.data(), s.block);
        }
        benchmark::DoNotOptimize(out[0].data());
    }
    state.counters["real_time_factor"] =
        benchmark::Counter(double(L) / s.rate, benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

void BM_BareStreamMusic(benchmark::State& st) { run(st, music(), std::make_unique<PassThrough>()); }
void BM_RtpghiMusic(benchmark::State& st) {
    run(st, music(), std::make_unique<RtpghiProcessor>(music().config, RtpghiParams{int(st.range(0)), 1e-6, 0}));
}
void BM_WienerMusic(benchmark::State& st) { run(st, music(), std::make_unique<OnlineWienerProcessor>(music().config, 3)); }
void BM_OmisiMusic(benchmark::State& st) {
    run(st, music(), std::make_unique<OnlineMisiProcessor>(music().config, 3, OnlineMisiParams{int(st.range(0)), -1}));
}
RtisiLaParams rtisiParams(bool gs, int k) {
    RtisiLaParams p;  // 12 passes per frame (the real-time demo's)
    p.lookahead = k;
    if (gs) {
        p.variant = RtisiLaParams::Variant::GsRtisiLa;
        p.start = RtisiLaParams::Start::Rtpghi1;
    }
    return p;
}
// NMF magnitudes from the mixture (10 components per source, 50 iterations per frame, random
// dictionaries: the cost does not depend on what they hold) + online Wiener.
std::unique_ptr<FrameProcessor> nmfWiener(const StftConfig& c, int sources) {
    std::vector<nmf::Matrix> W;
    for (int j = 0; j < sources; ++j) W.push_back(nmf::randomFactor(c.bins(), 10, 1.0, unsigned(j)));
    return std::make_unique<NmfSeparationProcessor>(std::make_unique<NmfFrameModel>(W, NmfFrameParams{}),
                                                    std::make_unique<OnlineWienerProcessor>(c, sources));
}
void BM_RtisiLaMusic(benchmark::State& st) { run(st, music(), std::make_unique<RtisiLaProcessor>(music().config, rtisiParams(false, 2))); }
void BM_GsRtisiLaMusic(benchmark::State& st) { run(st, music(), std::make_unique<RtisiLaProcessor>(music().config, rtisiParams(true, 1))); }
void BM_AwMusic(benchmark::State& st) { run(st, music(), std::make_unique<OnlineAwProcessor>(music().config, 3, 1.0)); }
void BM_NmfWienerMusic(benchmark::State& st) { run(st, {music().config, music().rate, music().block, {music().signals[0]}}, nmfWiener(music().config, 3)); }
void BM_BareStreamSpeech(benchmark::State& st) { run(st, speech(), std::make_unique<PassThrough>()); }
void BM_RtpghiSpeech(benchmark::State& st) {
    run(st, speech(), std::make_unique<RtpghiProcessor>(speech().config, RtpghiParams{int(st.range(0)), 1e-6, 0}));
}
void BM_WienerSpeech(benchmark::State& st) { run(st, speech(), std::make_unique<OnlineWienerProcessor>(speech().config, 2)); }
void BM_OmisiSpeech(benchmark::State& st) {
    run(st, speech(), std::make_unique<OnlineMisiProcessor>(speech().config, 2, OnlineMisiParams{int(st.range(0)), -1}));
}
void BM_RtisiLaSpeech(benchmark::State& st) { run(st, speech(), std::make_unique<RtisiLaProcessor>(speech().config, rtisiParams(false, 2))); }
void BM_GsRtisiLaSpeech(benchmark::State& st) { run(st, speech(), std::make_unique<RtisiLaProcessor>(speech().config, rtisiParams(true, 1))); }
void BM_AwSpeech(benchmark::State& st) { run(st, speech(), std::make_unique<OnlineAwProcessor>(speech().config, 2, 1.0)); }
void BM_NmfWienerSpeech(benchmark::State& st) { run(st, {speech().config, speech().rate, speech().block, {speech().signals[0]}}, nmfWiener(speech().config, 2)); }

}  // namespace

BENCHMARK(BM_BareStreamMusic)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(BM_RtpghiMusic)->ArgName("lookahead")->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(BM_WienerMusic)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(BM_OmisiMusic)->ArgName("K")->Arg(0)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK(BM_RtisiLaMusic)->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK(BM_GsRtisiLaMusic)->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK(BM_AwMusic)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(BM_NmfWienerMusic)->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK(BM_BareStreamSpeech)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(BM_RtpghiSpeech)->ArgName("lookahead")->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(BM_WienerSpeech)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(BM_OmisiSpeech)->ArgName("K")->Arg(0)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK(BM_RtisiLaSpeech)->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK(BM_GsRtisiLaSpeech)->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK(BM_AwSpeech)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(BM_NmfWienerSpeech)->Unit(benchmark::kMillisecond)->Iterations(1);

int main(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    phaselab::bench::RatioReporter reporter("BareStreamMusic", "bare streaming STFT chain (44.1 kHz)");
    reporter.addBaseline("BareStreamSpeech", "bare streaming STFT chain (16 kHz)", "Speech");
    benchmark::RunSpecifiedBenchmarks(&reporter);
    benchmark::Shutdown();
    return 0;
}
