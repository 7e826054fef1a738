// The Live mode into a private PulseAudio null sink (issue 13; run through tests/with_pulseaudio.sh):
// a file streamed as live through RTPGHI (10 s) and through online MISI with oracle magnitudes (60 s)
// plays to the null sink, is recorded back from its monitor, and equals, once aligned, what the same
// engine gives offline on the same looping input; no underrun after the start. An input device (the
// null sink's monitor, a file played into the sink) streams through RTPGHI and through a separation
// with NMF magnitudes (the only kind a device's single stream allows): what is heard is the same
// engine on what was captured.
#include <QAudioSink>
#include <QAudioSource>
#include <QBuffer>
#include <QMediaDevices>
#include <QtTest>

#include "core/io/audio.h"
#include "core/nmf/supervised_nmf.h"
#include "core/stream/nmf_stream.h"
#include "core/stream/online_separation.h"
#include "core/stream/rtpghi.h"
#include "pulse_support.h"
#include "test_support.h"
#include "widgets/live_runner.h"

using namespace phaselab;

namespace {

std::unique_ptr<stream::LiveChain> makeChain(bool separation, const StftConfig& c, int channels = 1) {
    std::vector<std::unique_ptr<stream::StreamEngine>> engines;
    for (int k = 0; k < channels; ++k) {
        std::unique_ptr<stream::FrameProcessor> p;
        if (separation) p = std::make_unique<stream::OnlineMisiProcessor>(c, 3, stream::OnlineMisiParams{1, -1});
        else p = std::make_unique<stream::RtpghiProcessor>(c, stream::RtpghiParams{});
        engines.push_back(std::make_unique<stream::StreamEngine>(c, std::move(p)));
    }
    return std::make_unique<stream::LiveChain>(std::move(engines), 256);
}

// NMF magnitudes (dictionaries learned on the three stems) + online Wiener: one input stream.
std::unique_ptr<stream::LiveChain> makeNmfChain(const StftConfig& c, const std::vector<nmf::Matrix>& dictionaries) {
    auto p = std::make_unique<stream::NmfSeparationProcessor>(std::make_unique<stream::NmfFrameModel>(dictionaries, stream::NmfFrameParams{}),
                                                              std::make_unique<stream::OnlineWienerProcessor>(c, 3));
    return std::make_unique<stream::LiveChain>(std::make_unique<stream::StreamEngine>(c, std::move(p)), 256);
}

}  // namespace

class TestPlaybackLive : public QObject {
    Q_OBJECT
private slots:
    void streamsToTheNullSinkAsOffline_data() {
        QTest::addColumn<bool>("separation");
        QTest::addColumn<double>("seconds");
        QTest::addColumn<int>("channels");
        QTest::newRow("RTPGHI, 10 s") << false << 10.0 << 1;
        QTest::newRow("online MISI, 60 s") << true << 60.0 << 1;
        QTest::newRow("RTPGHI, stereo, each channel its own engine, 8 s") << false << 8.0 << 2;
    }
    void streamsToTheNullSinkAsOffline() {
        QFETCH(bool, separation);
        QFETCH(double, seconds);
        QFETCH(int, channels);
        PHASELAB_REQUIRE_PULSEAUDIO();
        const QAudioDevice loop = test::loopSource();
        QVERIFY2(!loop.isNull(), "the 'loop' source is not visible to Qt Multimedia");
        std::vector<Eigen::ArrayXf> streams;  // channel-major
        if (channels == 1) streams.push_back(readAudio(test::sharedAudio("music_pbd_44k_mix.wav")).mono());
        else
            for (int ch = 0; ch < channels; ++ch) streams.push_back(readAudio(test::sharedAudio("stereo/stereo_music_44k_mix.flac")).channel(ch));
        if (separation)
            for (const char* stem : {"piano", "bass", "drums"})
                streams.push_back(readAudio(test::sharedAudio(std::string("music_pbd_44k_") + stem + ".wav")).mono());
        const double rate = 44100;
        StftConfig c;
        c.windowLength = 2048;
        c.hop = 256;

        QAudioFormat format;
        format.setSampleRate(int(rate));
        format.setChannelCount(channels);
        format.setSampleFormat(QAudioFormat::Float);
        QBuffer recorded;
        recorded.open(QIODevice::WriteOnly);
        QAudioSource recorder(loop, format);
        recorder.start(&recorded);
        QTest::qWait(200);

        LiveRunner runner;
        runner.start({streams, rate, channels}, makeChain(separation, c, channels), true);
        QVERIFY2(runner.outputStatus().isEmpty(), qPrintable(runner.outputStatus()));
        QTest::qWait(1000);
        const long long underrunsAfterStart = runner.underruns();
        double peakLoad = 0;
        for (int waited = 0; waited < int(seconds * 1000) - 1000; waited += 500) {
            QTest::qWait(500);
            peakLoad = std::max(peakLoad, runner.takePeakLoad());
            if (qEnvironmentVariableIsSet("PHASELAB_LIVE_DUMP"))
                qInfo("%.1f s: queued %zu, underruns %lld, overflows %lld, recorded %lld", runner.seconds(), runner.queued(),
                      runner.underruns(), runner.overflows(), (long long)(recorded.size() / 4));
        }
        const double streamed = runner.seconds();
        const long long underruns = runner.underruns() - underrunsAfterStart;
        runner.stop();
        QTest::qWait(300);
        recorder.stop();
        qInfo("streamed %.1f s, peak load %.1f %%, %lld underruns after the first second", streamed, 100 * peakLoad, underruns);
        QCOMPARE(underruns, 0LL);

        // Offline: the same chain over the same looping input, block by block (interleaved channels).
        const Eigen::Index total = Eigen::Index(streamed * rate), L = streams[0].size();
        auto chain = makeChain(separation, c, channels);
        Eigen::Array<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> both(total, channels);
        std::vector<std::vector<float>> blocks(streams.size(), std::vector<float>(256));
        std::vector<const float*> in;
        for (auto& b : blocks) in.push_back(b.data());
        for (Eigen::Index at = 0; at + 256 <= total; at += 256) {
            for (std::size_t i = 0; i < streams.size(); ++i)
                for (int n = 0; n < 256; ++n) blocks[i][std::size_t(n)] = streams[i]((at + n) % L);
            chain->process(in.data(), both.data() + at * channels, 256, stream::Mix{}, rate);
        }
        const QByteArray bytes = recorded.data();
        const Eigen::Map<const Eigen::Array<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>> recordedBoth(
            reinterpret_cast<const float*>(bytes.constData()), bytes.size() / 4 / channels, channels);
        if (channels > 1) {  // the channels differ: the sink got stereo, not a mono copy
            const Eigen::Index n = std::min<Eigen::Index>(recordedBoth.rows(), Eigen::Index(rate) * 4);
            QVERIFY((recordedBoth.col(0).head(n) - recordedBoth.col(1).head(n)).abs().maxCoeff() > 1e-3f);
        }
        for (int ch = 0; ch < channels; ++ch) {
        const Eigen::ArrayXf expected = both.col(ch), r = recordedBoth.col(ch);
        if (qEnvironmentVariableIsSet("PHASELAB_LIVE_DUMP")) {
            writeAudio("/tmp/live_recorded.wav", Audio::fromMono(r, rate), SampleFormat::Float32);
            writeAudio("/tmp/live_expected.wav", Audio::fromMono(expected, rate), SampleFormat::Float32);
        }
        // Second by second: the recording equals the offline output at one delay (the device's); a
        // change of delay is a gap (samples dropped or silence inserted on the way to the sink).
        const Eigen::Index span = Eigen::Index(rate);
        auto snrAt = [&](Eigen::Index at, Eigen::Index lag) {
            if (at + lag < 0 || at + lag + span > r.size()) return -1e9;
            const auto b = expected.segment(at, span);
            return 10 * std::log10(b.square().cast<double>().sum() / std::max(1e-30, (r.segment(at + lag, span) - b).square().cast<double>().sum()));
        };
        auto findLag = [&](Eigen::Index at) {
            Eigen::Index best = 0;
            double bestSnr = -1e9;
            for (Eigen::Index lag = -16000; lag <= 16000; ++lag)
                if (at + lag >= 0 && at + lag + 4096 <= r.size()) {
                    const double e = (r.segment(at + lag, 4096) - expected.segment(at, 4096)).square().cast<double>().sum();
                    const double snr = 10 * std::log10(expected.segment(at, 4096).square().cast<double>().sum() / std::max(1e-30, e));
                    if (snr > bestSnr) bestSnr = snr, best = lag;
                }
            return best;
        };
        Eigen::Index lag = findLag(span), firstLag = lag;
        int seconds_ = 0, gaps = 0, bad = 0;
        double worst = 1e9;
        for (Eigen::Index at = span; at + 2 * span < std::min(expected.size(), r.size()); at += span, ++seconds_) {
            double snr = snrAt(at, lag);
            if (snr < 40) {
                const Eigen::Index other = findLag(at);
                if (snrAt(at, other) >= 40 || snrAt(at + span / 2, other) >= 40) {
                    ++gaps;
                    lag = other;
                    snr = std::max(snrAt(at, other), 40.0);
                } else {
                    ++bad;
                }
            }
            worst = std::min(worst, snr);
        }
        qInfo("channel %d of %d, recorded output vs the offline engine: device delay %ld samples, %d s compared, worst second %.1f dB, "
              "%d gaps, %d seconds unlike the engine's output", ch + 1, channels, long(firstLag), seconds_, worst, gaps, bad);
        QVERIFY(seconds_ >= int(seconds) - 4);
        QCOMPARE(bad, 0);
        QCOMPARE(gaps, 0);
        }
    }

    // An input device as the source: a file played into the null sink is captured from its monitor
    // and streamed through RTPGHI; what is heard equals the same engine on the captured input, and
    // the captured input is the file.
    void streamsFromAnInputDevice_data() {
        QTest::addColumn<bool>("separation");
        QTest::newRow("RTPGHI") << false;
        QTest::newRow("NMF magnitudes + online Wiener") << true;
    }
    void streamsFromAnInputDevice() {
        QFETCH(bool, separation);
        PHASELAB_REQUIRE_PULSEAUDIO();
        const QAudioDevice loop = test::loopSource();
        QVERIFY2(!loop.isNull(), "the 'loop' source is not visible to Qt Multimedia");
        const double rate = 44100;
        const Eigen::ArrayXf file = readAudio(test::sharedAudio("music_pbd_44k_mix.wav")).mono();
        StftConfig c;
        c.windowLength = 2048;
        c.hop = 256;
        std::vector<nmf::Matrix> dictionaries;
        if (separation) {
            Stft stft(c);
            std::vector<Magnitudes> training;
            for (const char* stem : {"piano", "bass", "drums"})
                training.push_back(stft.analyse(readAudio(test::sharedAudio(std::string("music_pbd_44k_") + stem + ".wav")).mono()).abs());
            nmf::SupervisedNmfParams params;
            params.learnIterations = 40;
            dictionaries = nmf::learnDictionaries(training, params);
        }
        auto chainFor = [&] { return separation ? makeNmfChain(c, dictionaries) : makeChain(false, c); };
        LiveRunner runner;
        runner.startFromDevice(loop, rate, chainFor(), false);
        QVERIFY(runner.fromDevice());

        QAudioFormat format;
        format.setSampleRate(int(rate));
        format.setChannelCount(1);
        format.setSampleFormat(QAudioFormat::Float);
        QBuffer played;
        played.setData(QByteArray(reinterpret_cast<const char*>(file.data()), file.size() * 4));
        played.open(QIODevice::ReadOnly);
        QAudioSink player(QMediaDevices::defaultAudioOutput(), format);
        player.start(&played);
        QTest::qWait(6500);
        player.stop();
        runner.stop();
        std::vector<float> input(1 << 19), heard(1 << 19);
        input.resize(runner.takeInput(input.data(), input.size()));
        heard.resize(runner.takeHeard(heard.data(), heard.size()));
        qInfo("captured %.2f s from the input device", double(input.size()) / rate);
        QVERIFY(input.size() > std::size_t(3 * rate));
        QCOMPARE(heard.size(), input.size());

        // What is heard is the engine on what was captured, block by block.
        auto chain = chainFor();
        std::vector<float> expected(input.size());
        for (std::size_t at = 0; at + 256 <= input.size(); at += 256) {
            const float* in[] = {input.data() + at};
            chain->process(in, expected.data() + at, 256, stream::Mix{}, rate);
        }
        float worst = 0;
        for (std::size_t i = 0; i < input.size(); ++i) worst = std::max(worst, std::abs(heard[i] - expected[i]));
        QVERIFY2(worst < 1e-6f, qPrintable(QString::number(worst)));

        // The captured input is the file (from wherever the capture began): found by the 10 ms energy
        // envelope, then to the sample.
        const Eigen::Map<const Eigen::ArrayXf> x(input.data(), Eigen::Index(input.size()));
        const Eigen::Index hop = 441, frames = x.size() / hop - 1, fileFrames = std::min<Eigen::Index>(file.size() / hop - 1, 600);
        auto envelope = [&](const Eigen::Ref<const Eigen::ArrayXf>& s, Eigen::Index n) {
            Eigen::ArrayXd e(n);
            for (Eigen::Index k = 0; k < n; ++k) e(k) = s.segment(k * hop, hop).square().cast<double>().sum();
            return e;
        };
        const Eigen::ArrayXd ex = envelope(x, frames), ef = envelope(file, fileFrames);
        const Eigen::Index compared = std::min<Eigen::Index>(frames, 150);
        Eigen::Index coarse = 0;
        double bestCorrelation = -1;
        for (Eigen::Index lag = 0; lag + compared <= fileFrames; ++lag) {
            const double cc = (ex.head(compared) * ef.segment(lag, compared)).sum() /
                              std::sqrt(ex.head(compared).square().sum() * ef.segment(lag, compared).square().sum() + 1e-30);
            if (cc > bestCorrelation) bestCorrelation = cc, coarse = lag;
        }
        double best = -1e9;
        const Eigen::Index span = Eigen::Index(rate);
        for (Eigen::Index offset = std::max<Eigen::Index>(0, (coarse - 2) * hop); offset < (coarse + 2) * hop; ++offset) {
            if (offset + hop + span > file.size() || hop + span > x.size()) break;
            const auto seg = x.segment(hop, span);
            const auto ref = file.segment(offset + hop, span);
            best = std::max(best, 10 * std::log10(ref.square().cast<double>().sum() / std::max(1e-30, (seg - ref).square().cast<double>().sum())));
        }
        qInfo("captured input vs the file: %.1f dB", best);
        if (qEnvironmentVariableIsSet("PHASELAB_LIVE_DUMP")) writeAudio("/tmp/live_captured.wav", Audio::fromMono(x, rate), SampleFormat::Float32);
        QVERIFY2(best > 40, qPrintable(QString::number(best)));
    }
};

QTEST_MAIN(TestPlaybackLive)
#include "test_playback_live.moc"
