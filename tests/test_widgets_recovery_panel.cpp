// RecoveryPanel: a background run on a real signal lands in the runs table with its figures,
// the live chart follows the iterations, export writes the rebuilt signal.
#include <QPushButton>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

#include "core/io/audio.h"
#include "core/recovery/run_recovery.h"
#include "core/tf/stft.h"
#include "widgets/convergence_chart.h"
#include "widgets/param_form.h"
#include "widgets/recovery_panel.h"
#include "widgets/run_panel.h"
#include "test_support.h"

using namespace phaselab;

class TestRecoveryPanel : public QObject {
    Q_OBJECT
private slots:
    void runsFastGriffinLimOnATone() {
        RecoveryPanel panel;
        panel.resize(700, 900);
        QVERIFY(!panel.runPanel()->statusText().isEmpty());  // "Open an audio file first."
        auto audio = std::make_shared<Audio>(readAudio(test::sharedAudio("twotone_16k_mix.wav")));
        panel.setSource(audio, "twotone");
        StftConfig c;
        c.windowLength = 1024;
        c.hop = 256;
        panel.setStftConfig(c);
        QCOMPARE(panel.stftConfig().windowLength, 1024);
        QCOMPARE(panel.stftConfig().hop, 256);
        panel.runPanel()->selectAlgorithm("fgla");
        panel.runPanel()->form()->setValues({{"iterations", 30.0}});
        QSignalSpy added(&panel, &RecoveryPanel::runAdded);
        panel.runPanel()->run();
        QVERIFY(added.wait(60000));
        QCOMPARE(panel.runs().size(), std::size_t(1));
        const RecoveryRun& run = panel.runs()[0];
        QCOMPARE(run.result.iterations, 30);
        QCOMPARE(run.audio->frames(), audio->frames());
        QVERIFY2(run.result.spectralConvergenceDb < -15, qPrintable(QString::number(run.result.spectralConvergenceDb)));
        QCOMPARE(panel.runPanel()->chart()->pointCount("spectral_convergence_db"), 30);
        auto* table = panel.findChild<QTableWidget*>();
        QCOMPARE(table->rowCount(), 1);
        QCOMPARE(table->item(0, 2)->text(), QString("30"));
        QCOMPARE(panel.selectedRun(), 0);

        QSignalSpy listen(&panel, &RecoveryPanel::listenRequested);
        QPushButton* play = nullptr;
        for (auto* b : panel.findChildren<QPushButton*>())
            if (b->text() == "Play") play = b;
        QVERIFY(play && play->isEnabled());
        play->click();
        QCOMPARE(listen.count(), 1);

        QTemporaryDir dir;
        const QString path = dir.filePath("run.wav");
        panel.exportRun(0, path);
        QCOMPARE(readAudio(path.toStdString()).frames(), audio->frames());
        QDir().mkpath("screenshots");
        QVERIFY(panel.grab().save("screenshots/recovery_panel.png"));
    }

    // A stereo signal is recovered channel by channel: each channel is what the core rebuilds from
    // that channel's magnitude alone, and the figures are over both channels.
    void stereoIsRecoveredChannelByChannel() {
        RecoveryPanel panel;
        panel.resize(900, 1000);
        auto audio = std::make_shared<Audio>(readAudio(test::sharedAudio("stereo/stereo_speech_16k_mix.flac")));
        audio->data.conservativeResize(16000 * 4, 2);
        panel.setSource(audio, "stereo speech");
        panel.runPanel()->selectAlgorithm("gl");
        panel.runPanel()->form()->setValues({{"iterations", 10.0}});
        QSignalSpy added(&panel, &RecoveryPanel::runAdded);
        panel.runPanel()->run();
        QVERIFY(added.wait(60000));
        const RecoveryRun& run = panel.runs()[0];
        QCOMPARE(run.audio->channels(), 2);
        QCOMPARE(run.result.iterations, 10);
        QCOMPARE(panel.runPanel()->chart()->pointCount("spectral_convergence_db"), 10);  // the first channel's
        const AlgorithmDescription* gl = panel.runPanel()->currentAlgorithm();
        const ParamValues values = panel.runPanel()->form()->values();
        const StftConfig config = panel.stftConfig();
        Stft stft(config);
        double energy = 0, error = 0;
        for (int c = 0; c < 2; ++c) {
            const Eigen::ArrayXf x = audio->channel(c);
            const Magnitudes V = stft.analyseMagnitudes(x);
            const recovery::RecoveryResult alone = recovery::runRecovery(*gl, values, V, x.size(), config, audio->sampleRate, {}, &x);
            QVERIFY((run.audio->data.col(c) - alone.signal).abs().maxCoeff() < 1e-6f);
            const double e = V.cast<double>().square().sum();
            energy += e;
            error += e * std::pow(10.0, alone.spectralConvergenceDb / 10);
        }
        QVERIFY(std::abs(run.result.spectralConvergenceDb - 10 * std::log10(error / energy)) < 1e-9);
        QVERIFY(panel.runPanel()->statusText().contains("2 channels"));

        // A silent channel has no magnitude to rebuild a phase for: the run says which channel.
        auto silentRight = std::make_shared<Audio>(*audio);
        silentRight->data.col(1).setZero();
        try {
            recovery::runRecoveryPerChannel(*gl, values, silentRight->data, config, audio->sampleRate, {});
            QFAIL("a silent channel was recovered");
        } catch (const InputError& e) {
            QVERIFY2(QString(e.what()).contains("channel 2 of 2 is silent"), e.what());
        }
        panel.setSource(silentRight, "silent right");
        panel.runPanel()->run();
        QTRY_VERIFY_WITH_TIMEOUT(panel.runPanel()->statusText().contains("channel 2 of 2 is silent"), 30000);
        QCOMPARE(panel.runs().size(), std::size_t(1));  // the failed run adds nothing
    }

    // PGHI comes from its description: a one-pass run with its tolerances in the form, and "pghi" as
    // the initial phase of the iterative methods, whose run then starts far lower.
    void offersPghiAloneAndAsAStart() {
        RecoveryPanel panel;
        panel.resize(900, 1000);
        auto audio = std::make_shared<Audio>(readAudio(test::sharedAudio("speech_noise_16k_speech.wav")));
        panel.setSource(audio, "speech");
        StftConfig c;
        c.windowLength = 512;
        c.hop = 64;
        panel.setStftConfig(c);
        panel.runPanel()->selectAlgorithm("pghi");
        const ParamValues pghiForm = panel.runPanel()->form()->values();
        QVERIFY(pghiForm.count("tolerance") && pghiForm.count("second-tolerance") && pghiForm.count("seed"));
        QSignalSpy added(&panel, &RecoveryPanel::runAdded);
        panel.runPanel()->run();
        QVERIFY(added.wait(60000));
        QCOMPARE(panel.runs().back().result.iterations, 1);
        const double pghi = panel.runs().back().result.spectralConvergenceDb;
        QVERIFY2(pghi < -18, qPrintable(QString::number(pghi)));
        QDir().mkpath("screenshots");
        QVERIFY(panel.grab().save("screenshots/recovery_panel_pghi_form.png"));

        panel.runPanel()->selectAlgorithm("fgla");
        panel.runPanel()->form()->setValues({{"iterations", 20.0}, {"init", std::string("pghi")}});
        panel.runPanel()->run();
        QVERIFY(added.wait(60000));
        const RecoveryRun& fromPghi = panel.runs().back();
        QCOMPARE(std::get<std::string>(fromPghi.parameters.at("init")), std::string("pghi"));
        QVERIFY2(fromPghi.result.trace.front().spectralConvergenceDb < pghi + 1,
                 qPrintable(QString("first iteration %1 dB").arg(fromPghi.result.trace.front().spectralConvergenceDb)));
        auto* table = panel.findChild<QTableWidget*>();
        QCOMPARE(table->rowCount(), 2);
        QVERIFY(panel.grab().save("screenshots/recovery_panel_pghi.png"));
    }
};

QTEST_MAIN(TestRecoveryPanel)
#include "test_widgets_recovery_panel.moc"
