// Playback through the app's player into a private PulseAudio null sink, recorded back from its
// monitor ("loop" source). Run through tests/with_pulseaudio.sh, which sets PULSE_SERVER.
// Without that server the test skips, except when CI is set: then it fails.
#include <QAudioSource>
#include <QBuffer>
#include <QElapsedTimer>
#include <QMediaDevices>
#include <QSignalSpy>
#include <QtTest>

#include "pulse_support.h"
#include "test_support.h"
#include "widgets/audio_player.h"

using namespace phaselab;

class TestPlayback : public QObject {
    Q_OBJECT


private slots:
    void emptyPlayerExplainsWhy() {
        AudioPlayer player;
        QSignalSpy errors(&player, &AudioPlayer::error);
        QVERIFY(!player.play());
        QCOMPARE(errors.count(), 1);
        QVERIFY(player.errorString().contains("open an audio file"));
        QVERIFY(!player.isPlaying());
    }

    void sourceSwitchesTracksSampleAccurately() {
        // Two constant tracks: switching the active track changes the very next delivered frame.
        auto a = std::make_shared<Audio>(Audio::fromMono(Eigen::ArrayXf::Constant(1000, 0.25f), 1000));
        auto b = std::make_shared<Audio>(Audio::fromMono(Eigen::ArrayXf::Constant(1000, -0.5f), 1000));
        PlaybackSource source;
        source.setChannels(1);
        source.setCrossfade(0);  // outright switch; the crossfade is tested below
        source.addTrack({"a", a});
        source.addTrack({"b", b});
        // A stale index (a mixer row of a replaced document) changes nothing and throws nothing.
        source.setTrackGain(2, 0.1f);
        source.setTrackMuted(-1, true);
        QCOMPARE(source.track(1).gain, 1.0f);
        QVERIFY(!source.track(0).muted);
        std::vector<float> buf(100);
        source.setActiveTrack(0);
        QCOMPARE(source.read(reinterpret_cast<char*>(buf.data()), 40), qint64(40));
        QCOMPARE(buf[9], 0.25f);
        source.setActiveTrack(1);
        QCOMPARE(source.read(reinterpret_cast<char*>(buf.data()), 40), qint64(40));
        QCOMPARE(buf[0], -0.5f);
        source.setActiveTrack(-1);  // mix
        source.read(reinterpret_cast<char*>(buf.data()), 4);
        QCOMPARE(buf[0], -0.25f);
        QCOMPARE(source.fileFrameAtDelivered(15), Eigen::Index(15));
        // Loop [100, 110): 25 frames from 105 wrap twice.
        source.setLoop(100, 110);
        source.setPosition(105);
        source.read(reinterpret_cast<char*>(buf.data()), 25 * 4);
        QCOMPARE(source.position(), Eigen::Index(110));
        QCOMPARE(source.fileFrameAtDelivered(source.delivered() - 1), Eigen::Index(109));
        // A track at another rate is refused.
        auto c = std::make_shared<Audio>(Audio::fromMono(Eigen::ArrayXf::Zero(10), 2000));
        QVERIFY_THROWS_EXCEPTION(InputError, source.addTrack({"c", c}));
    }

    void switchingCrossfadesWithoutAClick() {
        // A/B between two constant tracks of opposite sign: an outright switch jumps by 1.0; with the
        // default 10 ms crossfade (160 frames at 16 kHz) no step exceeds 1/160, the position runs on
        // and the new track is reached exactly at the end of the fade.
        const double rate = 16000;
        auto a = std::make_shared<Audio>(Audio::fromMono(Eigen::ArrayXf::Constant(16000, 0.5f), rate));
        auto b = std::make_shared<Audio>(Audio::fromMono(Eigen::ArrayXf::Constant(16000, -0.5f), rate));
        PlaybackSource source;
        source.setChannels(1);
        QCOMPARE(source.crossfade(), 0.01);
        source.addTrack({"a", a});
        source.addTrack({"b", b});
        source.setActiveTrack(0);
        std::vector<float> buf(1000);
        source.read(reinterpret_cast<char*>(buf.data()), 300 * 4);
        const Eigen::Index before = source.position();
        source.setActiveTrack(1);
        source.read(reinterpret_cast<char*>(buf.data() + 300), 400 * 4);
        QCOMPARE(source.position(), before + 400);  // playback position kept across the switch
        float maxStep = 0;
        for (int i = 1; i < 700; ++i) maxStep = std::max(maxStep, std::abs(buf[std::size_t(i)] - buf[std::size_t(i - 1)]));
        QVERIFY2(maxStep <= 1.0f / 160 + 1e-6f, qPrintable(QString::number(maxStep)));
        QCOMPARE(buf[299], 0.5f);
        QVERIFY(std::abs(buf[300 + 160] + 0.5f) < 1e-6f);
        QVERIFY(std::abs(buf[300 + 80]) < 0.01f);  // half way: the two tracks balance
        // Switching back during a fade: still no jump.
        source.setActiveTrack(0);
        source.read(reinterpret_cast<char*>(buf.data()), 50 * 4);
        source.setActiveTrack(1);
        source.read(reinterpret_cast<char*>(buf.data() + 50), 300 * 4);
        maxStep = 0;
        for (int i = 1; i < 350; ++i) maxStep = std::max(maxStep, std::abs(buf[std::size_t(i)] - buf[std::size_t(i - 1)]));
        QVERIFY2(maxStep <= 2.0f / 160 + 1e-6f, qPrintable(QString::number(maxStep)));
    }

    void playsToneAndRecordsItBack() {
        PHASELAB_REQUIRE_PULSEAUDIO();
        const QAudioDevice loop = test::loopSource();
        QVERIFY2(!QMediaDevices::audioOutputs().isEmpty(), "the null sink is not visible to Qt Multimedia");
        QVERIFY2(!loop.isNull(), "the 'loop' source is not visible to Qt Multimedia");

        const double rate = 44100, freq = 441;
        QAudioFormat format;
        format.setSampleRate(int(rate));
        format.setChannelCount(1);
        format.setSampleFormat(QAudioFormat::Float);
        QBuffer recorded;
        recorded.open(QIODevice::WriteOnly);
        QAudioSource recorder(loop, format);
        recorder.start(&recorded);
        QTest::qWait(200);  // let the recording stream start before the tone does

        AudioPlayer player;
        auto tone = std::make_shared<Audio>(Audio::fromMono(test::sine(Eigen::Index(rate), freq, rate, 0.5), rate));
        player.source()->addTrack({"tone", tone});
        QSignalSpy finished(&player, &AudioPlayer::finished);
        double maxPosition = 0;
        connect(&player, &AudioPlayer::positionChanged, this, [&](double s) { maxPosition = std::max(maxPosition, s); });
        QVERIFY2(player.play(), qPrintable(player.errorString()));
        QVERIFY(finished.wait(3000) || finished.count() == 1);
        QTest::qWait(300);
        recorder.stop();
        QVERIFY2(maxPosition > 0.5, qPrintable(QString("cursor reached only %1 s").arg(maxPosition)));

        const QByteArray bytes = recorded.data();
        const auto* x = reinterpret_cast<const float*>(bytes.constData());
        const qsizetype n = bytes.size() / qsizetype(sizeof(float));
        qsizetype first = -1, last = -1;
        for (qsizetype i = 0; i < n; ++i)
            if (std::abs(x[i]) > 0.1f) {
                if (first < 0) first = i;
                last = i;
            }
        QVERIFY2(first >= 0, "nothing was recorded from the loop source");
        const double seconds = double(last - first) / rate;
        QVERIFY2(seconds > 0.9 && seconds < 1.1, qPrintable(QString("recorded %1 s of tone").arg(seconds)));
        // Frequency from rising zero crossings over the middle of the tone (linear interpolation).
        const qsizetype a = first + qsizetype(0.1 * rate), b = last - qsizetype(0.1 * rate);
        double firstCross = -1, lastCross = -1;
        int crossings = 0;
        for (qsizetype i = a; i < b; ++i)
            if (x[i] <= 0 && x[i + 1] > 0) {
                const double t = double(i) + x[i] / (x[i] - x[i + 1]);
                if (firstCross < 0) firstCross = t;
                lastCross = t;
                ++crossings;
            }
        QVERIFY(crossings > 100);
        const double measured = (crossings - 1) / ((lastCross - firstCross) / rate);
        qInfo("recorded %.3f s of tone at %.2f Hz", seconds, measured);
        QVERIFY2(std::abs(measured - freq) < 2.0, qPrintable(QString("measured %1 Hz").arg(measured)));
    }

    void loopKeepsTheCursorInsideTheSelection() {
        PHASELAB_REQUIRE_PULSEAUDIO();
        const double rate = 44100;
        AudioPlayer player;
        player.source()->addTrack({"tone", std::make_shared<Audio>(Audio::fromMono(test::sine(Eigen::Index(2 * rate), 441, rate), rate))});
        player.source()->setLoop(Eigen::Index(0.5 * rate), Eigen::Index(0.7 * rate));
        player.seek(0.5);
        std::vector<double> positions;
        connect(&player, &AudioPlayer::positionChanged, this, [&](double s) { positions.push_back(s); });
        QVERIFY2(player.play(), qPrintable(player.errorString()));
        // Several passes through the 0.2 s loop; the sink may take a moment to start on a loaded machine.
        QTRY_VERIFY2_WITH_TIMEOUT(player.processedUSecs() > 600000,
                                  qPrintable(QString("only %1 us were played").arg(player.processedUSecs())), 15000);
        player.pause();
        QVERIFY(positions.size() > 10);
        bool wrapped = false;
        for (std::size_t i = 0; i + 1 < positions.size() - 1; ++i) {  // the last one is the pause position
            QVERIFY2(positions[i] >= 0.5 - 1e-6 && positions[i] <= 0.7 + 1e-6, qPrintable(QString::number(positions[i])));
            if (positions[i + 1] < positions[i]) wrapped = true;
        }
        QVERIFY(wrapped);
        QVERIFY(!player.isPlaying());
    }
};

QTEST_MAIN(TestPlayback)
#include "test_playback.moc"
