// The Live mode panel (issue 13) without an audio device: the document's mixture streams in real
// time through RTPGHI and online MISI into the scrolling views, the load meter and the recording;
// the latency shown follows the parameters changed while running; A/B/bypass; a separation without
// references is refused with a reason; a new document stops the stream; the recording is saved.
// Screenshots (screenshots/live_panel_*.png) are written for a look.
#include <QCheckBox>
#include <QDir>
#include <QLabel>
#include <QtTest>

#include "core/stream/online_separation.h"
#include "widgets/stft_chooser.h"
#include "core/io/audio.h"
#include "test_support.h"
#include "widgets/live_panel.h"
#include "widgets/live_runner.h"
#include "widgets/scrolling_tf_view.h"

using namespace phaselab;

namespace {

std::shared_ptr<const Audio> shared(const char* name) { return std::make_shared<const Audio>(readAudio(test::sharedAudio(name))); }

}  // namespace

class TestWidgetsLive : public QObject {
    Q_OBJECT
private slots:
    void streamsThroughRtpghiAndOnlineMisi() {
        LivePanel panel;
        panel.resize(900, 760);
        panel.show();
        panel.setAudioOutputEnabled(false);
        const auto mix = shared("two_speakers_16k_mix.wav");
        panel.setSource(mix, "two_speakers_16k_mix", {shared("two_speakers_16k_spk1.wav"), shared("two_speakers_16k_spk2.wav")},
                        {"spk1", "spk2"});
        panel.selectMethod("rtpghi");
        panel.setLookahead(1);
        QVERIFY2(panel.latencyText().contains("2304 samples = 144.0 ms (window 2048 + 1 × hop 256)"), qPrintable(panel.latencyText()));
        panel.setRecording(true);
        QVERIFY(panel.start());
        QVERIFY(panel.isRunning());
        QVERIFY2(panel.statusText().contains("Audio output is off"), qPrintable(panel.statusText()));
        QTest::qWait(1500);
        // Real time: about 1.5 s of the source went through, every frame of it into the views.
        const double streamed = panel.runner()->seconds();
        QVERIFY2(streamed > 1.0 && streamed < 2.5, qPrintable(QString::number(streamed)));
        QTRY_VERIFY(panel.inputLevels()->framesShown() > 40);
        QVERIFY(panel.outputLevels()->framesShown() > 40);
        QVERIFY(panel.runner()->load() > 0 && panel.runner()->load() < 0.5);
        // The views show signal: the input strip's newest columns are not all black.
        const QImage strip = panel.inputLevels()->image();
        int lit = 0;
        for (int y = 0; y < strip.height(); ++y) lit += qGray(strip.pixel(strip.width() - 2, y)) > 40;
        QVERIFY2(lit > 5, qPrintable(QString::number(lit)));

        // Parameters change while running: look-ahead 0 takes one hop off the latency.
        panel.setLookahead(0);
        QVERIFY(panel.isRunning());
        QVERIFY2(panel.latencyText().startsWith("Latency 2048 samples = 128.0 ms"), qPrintable(panel.latencyText()));
        QTRY_COMPARE(panel.runner()->latency(), 2048);

        // Online MISI needs the references as streams: the stream restarts with them.
        panel.selectMethod("omisi");
        panel.setLookahead(2);
        QVERIFY(panel.isRunning());
        QVERIFY2(panel.latencyText().contains("2560 samples"), qPrintable(panel.latencyText()));
        panel.setSourceGain(0, -6);
        panel.setSolo(1);
        panel.setMonitor(stream::Monitor::Original);
        QTest::qWait(600);
        panel.setMonitor(stream::Monitor::Processed);
        QTest::qWait(600);
        QDir().mkpath("screenshots");
        QVERIFY(panel.grab().save("screenshots/live_panel_900x760.png"));
        panel.setRecording(false);
        panel.stop();
        QVERIFY(!panel.isRunning());
        QVERIFY(panel.statusText().startsWith("Stopped after"));
        QVERIFY(panel.recording().size() > std::size_t(16000 * 0.5));

        QTemporaryDir dir;
        const QString path = dir.filePath("live.wav");
        panel.saveRecording(path);
        const Audio saved = readAudio(path.toStdString());
        QCOMPARE(saved.sampleRate, 16000.0);
        QCOMPARE(std::size_t(saved.frames()), panel.recording().size());
    }

    // A stereo source streams each channel through its own engine: the recording has both channels,
    // each what one engine gives on that channel alone (the same blocks from the start), and L != R.
    void stereoStreamsEachChannel() {
        LivePanel panel;
        panel.resize(900, 760);
        panel.setAudioOutputEnabled(false);
        const auto mix = shared("stereo/stereo_speech_16k_mix.flac");
        const std::vector<std::shared_ptr<const Audio>> refs{shared("stereo/stereo_speech_16k_spk1.flac"),
                                                             shared("stereo/stereo_speech_16k_spk2.flac")};
        panel.setSource(mix, "stereo speech", refs, {"spk1", "spk2"});
        panel.selectMethod("wiener");
        QVERIFY(panel.findChild<QLabel*>("liveSource")->text().contains("2 channels, each through its own engine"));
        panel.setRecording(true);
        QVERIFY(panel.start());
        QCOMPARE(panel.runner()->channels(), 2);
        QTest::qWait(800);
        QDir().mkpath("screenshots");
        QVERIFY(panel.grab().save("screenshots/live_panel_stereo.png"));
        panel.stop();
        QCOMPARE(panel.recordingChannels(), 2);
        const std::vector<float>& rec = panel.recording();
        const std::size_t frames = rec.size() / 2;
        QVERIFY(frames > 8000);
        const StftConfig c = panel.findChild<StftChooser*>()->config();
        const int block = panel.runner()->blockSize();
        for (int ch = 0; ch < 2; ++ch) {
            stream::LiveChain alone(std::make_unique<stream::StreamEngine>(c, std::make_unique<stream::OnlineWienerProcessor>(c, 2)), block);
            std::vector<float> heard(frames);
            const Eigen::ArrayXf x = mix->channel(ch), a = refs[0]->channel(ch), b = refs[1]->channel(ch);
            for (std::size_t at = 0; at + std::size_t(block) <= frames; at += std::size_t(block)) {
                const float* in[] = {x.data() + at, a.data() + at, b.data() + at};
                alone.process(in, heard.data() + at, block, stream::Mix{}, mix->sampleRate);
            }
            float worst = 0;
            for (std::size_t k = 0; k + std::size_t(block) <= frames; ++k) worst = std::max(worst, std::abs(rec[2 * k + std::size_t(ch)] - heard[k]));
            QVERIFY2(worst == 0.0f, qPrintable(QString("channel %1: %2").arg(ch).arg(worst)));
        }
        float diff = 0;
        for (std::size_t k = 0; k < frames; ++k) diff = std::max(diff, std::abs(rec[2 * k] - rec[2 * k + 1]));
        QVERIFY(diff > 1e-3f);
        QTemporaryDir dir;
        panel.saveRecording(dir.filePath("live.wav"));
        const Audio saved = readAudio(dir.filePath("live.wav").toStdString());
        QCOMPARE(saved.channels(), 2);
        QCOMPARE(std::size_t(saved.frames()), frames);
        QCOMPARE(saved.data(100, 1), rec[201]);
    }

    // RTISI-LA and GSRTISI-LA from RTPGHI run live with their latencies; NMF magnitudes: the
    // dictionaries are learned from the references off the GUI thread (the panel stays responsive),
    // then the separation runs on the mixture alone, one row per source.
    void streamsThroughRtisiAndNmfSeparation() {
        LivePanel panel;
        panel.resize(1280, 720);
        panel.show();
        panel.setAudioOutputEnabled(false);
        panel.setSource(shared("music_pbd_16k_mix.wav"), "music_pbd_16k_mix",
                        {shared("music_pbd_16k_piano.wav"), shared("music_pbd_16k_bass.wav"), shared("music_pbd_16k_drums.wav")},
                        {"piano", "bass", "drums"});
        panel.selectMethod("gsrtisi-la");
        QVERIFY2(panel.latencyText().contains("2560 samples = 160.0 ms (window 2048 + 2 × hop 256: look-ahead 1 + 1 for the RTPGHI start)"),
                 qPrintable(panel.latencyText()));
        QVERIFY(panel.start());
        QTest::qWait(800);
        QTRY_VERIFY(panel.outputLevels()->framesShown() > 20);
        QVERIFY(panel.runner()->load() < 0.5);
        panel.selectMethod("rtisi-la");  // look-ahead 2, 12 passes
        QVERIFY(panel.isRunning());
        QVERIFY2(panel.latencyText().startsWith("Latency 2560 samples"), qPrintable(panel.latencyText()));

        panel.setNmfMagnitudes(true);
        panel.selectMethod("aw");
        QVERIFY(!panel.nmfReady());
        QVERIFY2(panel.statusText().contains("Learning NMF dictionaries"), qPrintable(panel.statusText()));
        QTRY_VERIFY_WITH_TIMEOUT(panel.nmfReady(), 120000);
        QVERIFY(panel.isRunning());
        QTRY_COMPARE(panel.runner()->latency(), 2048);  // AW has no look-ahead: the NMF chain runs
        QList<QCheckBox*> solos;
        for (QCheckBox* b : panel.findChildren<QCheckBox*>())
            if (b->text() == "solo") solos << b;
        QCOMPARE(solos.size(), 3);
        panel.setSolo(1);
        QTest::qWait(800);
        const QImage heard = panel.outputLevels()->image();
        int lit = 0;
        for (int y = 0; y < heard.height(); ++y) lit += qGray(heard.pixel(heard.width() - 2, y)) > 40;
        QVERIFY2(lit > 3, qPrintable(QString::number(lit)));
        QDir().mkpath("screenshots");
        QVERIFY(panel.grab().save("screenshots/live_panel_nmf_1280x720.png"));
        panel.stop();
        QVERIFY(panel.start());  // from the dictionaries learned: no wait
        panel.stop();
    }

    void refusesWhatCannotRunAndStopsOnANewDocument() {
        LivePanel panel;
        panel.setAudioOutputEnabled(false);
        QVERIFY(!panel.start());
        QVERIFY2(panel.statusText().contains("Open an audio file"), qPrintable(panel.statusText()));
        panel.setSource(shared("twotone_16k_mix.wav"), "twotone", {}, {});
        panel.selectMethod("wiener");
        QVERIFY(!panel.start());
        QVERIFY2(panel.statusText().contains("references"), qPrintable(panel.statusText()));
        panel.selectMethod("rtpghi");
        QVERIFY(panel.start());
        QTest::qWait(200);
        panel.setSource(shared("chirp_16k.wav"), "chirp", {}, {});
        QVERIFY(!panel.isRunning());
        QVERIFY(panel.recording().empty());
        QVERIFY_THROWS_EXCEPTION(InputError, panel.saveRecording("/tmp/never.wav"));
    }

    // With an audio device the stream plays; this machine may have none (the PulseAudio test plays
    // to a null sink): either way the panel says what happens and keeps running.
    void saysWhetherAnythingIsHeard() {
        LivePanel panel;
        panel.setSource(shared("twotone_16k_mix.wav"), "twotone", {}, {});
        QVERIFY(panel.start());
        QVERIFY(!panel.statusText().isEmpty());
        QTest::qWait(300);
        QVERIFY(panel.runner()->seconds() > 0.1);
        panel.stop();
    }
};

QTEST_MAIN(TestWidgetsLive)
#include "test_widgets_live.moc"
