// Spectrogram and waveform panes, offscreen: the rendered images, the shared viewport and the
// cursor read-out.
#include <QSignalSpy>
#include <QtTest>

#include "core/io/audio.h"
#include "test_support.h"
#include "widgets/audio_view.h"

using namespace phaselab;

namespace {

// Exponential sweep f(t) = f0 (f1/f0)^(t/T), amplitude 0.5.
Eigen::ArrayXf expChirp(double f0, double f1, double seconds, double rate) {
    const Eigen::Index n = Eigen::Index(seconds * rate);
    const double lnk = std::log(f1 / f0);
    Eigen::ArrayXf x(n);
    for (Eigen::Index i = 0; i < n; ++i) {
        const double t = double(i) / rate;
        x(i) = float(0.5 * std::sin(2 * M_PI * f0 * seconds / lnk * (std::exp(lnk * t / seconds) - 1)));
    }
    return x;
}

std::shared_ptr<const MonoSamples> signalOf(Eigen::ArrayXf x, double rate) {
    return monoSamples(std::make_shared<const Audio>(Audio::fromMono(std::move(x), rate)));
}

int luminance(QRgb c) { return (qRed(c) * 299 + qGreen(c) * 587 + qBlue(c) * 114) / 1000; }

bool waitUntil(const std::function<bool()>& done, int ms = 20000) {
    QElapsedTimer t;
    t.start();
    while (!done() && t.elapsed() < ms) QTest::qWait(10);
    return done();
}

// Brightest row of plot column x in the pane's grab.
int brightestRow(const QImage& img, const QRect& plot, int x) {
    int best = plot.top(), bestL = -1;
    for (int y = plot.top(); y <= plot.bottom(); ++y)
        if (const int l = luminance(img.pixel(x, y)); l > bestL) bestL = l, best = y;
    return best;
}

}  // namespace

class TestWidgetsSpectrogram : public QObject {
    Q_OBJECT

    // Checks that the brightest pixel of several plot columns lies on the sweep f(t).
    void checkRidge(SpectrogramPane& pane, const std::function<double(double)>& f, double tolerance) {
        const QImage img = pane.grab().toImage();
        const QRect plot = pane.plotRect();
        const FrequencyAxis axis = pane.view()->frequencyAxis();
        for (double t : {0.3, 0.6, 0.9, 1.2, 1.5, 1.8}) {
            const int x = pane.xAtTime(t);
            const int y = brightestRow(img, plot, x);
            const double shownHz = axis.toHz(1.0 - (y + 0.5 - plot.top()) / plot.height());
            QVERIFY2(std::abs(shownHz / f(t) - 1) < tolerance,
                     qPrintable(QString("%1 scale, t=%2 s: ridge at %3 Hz, chirp at %4 Hz")
                                    .arg(scaleName(axis.scale)).arg(t).arg(shownHz).arg(f(t))));
            // The ridge stands out: much brighter than the column's median.
            std::vector<int> column;
            for (int yy = plot.top(); yy <= plot.bottom(); ++yy) column.push_back(luminance(img.pixel(x, yy)));
            std::nth_element(column.begin(), column.begin() + column.size() / 2, column.end());
            QVERIFY2(luminance(img.pixel(x, y)) > column[column.size() / 2] + 80,
                     qPrintable(QString("ridge %1, median %2").arg(luminance(img.pixel(x, y))).arg(column[column.size() / 2])));
        }
    }

private slots:
    void chirpRidgeIsWhereTheChirpIs() {
        const double rate = 16000, f0 = 50, f1 = 7500, T = 2;
        auto x = signalOf(expChirp(f0, f1, T, rate), rate);
        ViewManager view;
        view.reset(T, rate / 2);
        SpectrogramPane pane(&view);
        pane.resize(900, 420);
        StftConfig cfg;
        cfg.windowLength = 512;
        cfg.hop = 64;
        pane.setStftConfig(cfg);
        pane.setSignal(x, rate);
        auto law = [&](double t) { return f0 * std::pow(f1 / f0, t / T); };
        for (FrequencyScale s : {FrequencyScale::Log, FrequencyScale::Linear, FrequencyScale::Mel}) {
            view.setFrequencyScale(s);
            view.setFrequencyRange(s == FrequencyScale::Log ? 40 : 0, rate / 2);
            QVERIFY(waitUntil([&] { return pane.isUpToDate(); }));
            checkRidge(pane, law, 0.08);
        }
    }

    void sharedChirpFileRidge() {
        // ../shared/testaudio/chirp_16k.wav (sox "synth 2 sine 50:7500"): measured to be a LINEAR
        // sweep from 50 to 7500 Hz over 2 s, whatever its inventory says.
        Audio a = readAudio(test::sharedAudio("chirp_16k.wav"));
        ViewManager view;
        view.reset(a.duration(), a.sampleRate / 2);
        SpectrogramPane pane(&view);
        pane.resize(900, 420);
        pane.setSignal(signalOf(a.mono(), a.sampleRate), a.sampleRate);
        QVERIFY(waitUntil([&] { return pane.isUpToDate(); }));
        checkRidge(pane, [](double t) { return 50 + (7500 - 50) * t / 2; }, 0.05);
    }

    void stereoShowsEachChannelAndTheChosenView() {
        // Left: a 440 Hz tone at 0.8; right: a 2000 Hz tone at 0.2. The waveform draws one lane per
        // channel (the upper lane's envelope reaches four times as far); the spectrogram and the
        // other panes get exactly the chosen view.
        const double rate = 16000;
        const Eigen::Index n = Eigen::Index(rate);
        auto audio = std::make_shared<Audio>();
        audio->sampleRate = rate;
        audio->data.resize(n, 2);
        audio->data.col(0) = test::sine(n, 440, rate, 0.8);
        audio->data.col(1) = test::sine(n, 2000, rate, 0.2);
        AudioView view;
        view.resize(1280, 720);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QSignalSpy shown(&view, &AudioView::monoReady);
        view.setAudio(audio);
        QVERIFY(waitUntil([&] { return view.isReady() && shown.count() == 1; }));
        QVERIFY(view.channelBox()->isVisibleTo(&view));
        QCOMPARE(view.channelBox()->count(), 6);  // mix, left, right, mid, side, stacked
        QCOMPARE(view.channelView(), QString("mono"));
        QCOMPARE(view.waveform()->laneCount(), 2);
        auto emittedPtr = [&] { return shown.last().at(0).value<std::shared_ptr<const Eigen::ArrayXf>>(); };
        auto emitted = [&] { return *emittedPtr(); };
        QVERIFY((emitted() == audio->mono()).all());

        // Rendered lanes: rows holding the waveform colour, in the upper and the lower half.
        const QImage img = view.waveform()->grab().toImage();
        const QRect plot = view.waveform()->plotRect();
        auto extent = [&](int top, int bottom) {
            int first = bottom, last = top;
            for (int y = top; y < bottom; ++y)
                for (int x = plot.left() + 40; x < plot.right(); x += 3)
                    if (qBlue(img.pixel(x, y)) > 150 && qGreen(img.pixel(x, y)) > 120) {
                        first = std::min(first, y);
                        last = std::max(last, y);
                    }
            return last - first;
        };
        const int mid = plot.top() + plot.height() / 2;
        const int upper = extent(plot.top(), mid), lower = extent(mid + 1, plot.bottom());
        QVERIFY2(upper > 3 * lower && lower > 0, qPrintable(QString("lanes %1 and %2 px").arg(upper).arg(lower)));

        for (const auto& [name, expected] : std::vector<std::pair<QString, Eigen::ArrayXf>>{
                 {"left", audio->data.col(0)},
                 {"right", audio->data.col(1)},
                 {"side", 0.5f * (audio->data.col(0) - audio->data.col(1))},
                 {"mid", 0.5f * (audio->data.col(0) + audio->data.col(1))}}) {
            const int before = shown.count();
            view.setChannelView(name);
            QCOMPARE(view.channelView(), name);
            QVERIFY(waitUntil([&] { return view.isReady() && shown.count() == before + 1; }));
            QVERIFY2((emitted() == expected).all(), qPrintable(name));
            QCOMPARE(view.spectrogram()->isUpToDate(), true);
            QCOMPARE(view.waveform()->data()->samples->data(), emittedPtr()->data());  // what the spectrogram analyses
        }

        // Each channel stacked: the first pane shows L, a second one R with the same settings; the
        // panes that stack too get both channels, the others the first one.
        QSignalSpy channels(&view, &AudioView::channelsReady);
        view.setChannelView("stacked");
        QCOMPARE(view.channelView(), QString("stacked"));
        QVERIFY(waitUntil([&] { return view.isReady() && shown.count() == 6; }));
        QCOMPARE(view.channelSpectrograms().size(), std::size_t(1));
        SpectrogramPane* right = view.channelSpectrograms()[0];
        QVERIFY((emitted() == audio->data.col(0)).all());
        const auto stacked = channels.last().at(0).value<std::vector<std::shared_ptr<const Eigen::ArrayXf>>>();
        QCOMPARE(stacked.size(), std::size_t(2));
        QVERIFY((*stacked[1] == audio->data.col(1)).all());
        QCOMPARE(channels.last().at(1).toStringList(), QStringList({"L", "R"}));
        QCOMPARE(view.spectrogram()->cornerLabel(), QString("L"));
        QCOMPARE(right->cornerLabel(), QString("R"));
        const FrequencyAxis& axis = view.view()->frequencyAxis();
        auto level = [&](SpectrogramPane* pane, double hz) { return pane->readoutAt(0.5, axis.toPosition(hz)).db; };
        QVERIFY2(level(view.spectrogram(), 440) > level(right, 440) + 30, qPrintable(QString::number(level(right, 440))));
        QVERIFY2(level(right, 2000) > level(view.spectrogram(), 2000) + 30, qPrintable(QString::number(level(right, 2000))));
        QVERIFY(std::abs(level(right, 2000) - 20 * std::log10(0.2)) < 1.0);  // a sinusoid reads its amplitude in dBFS
        view.spectrogram()->setLevelRange(-6, 50);
        view.spectrogram()->setColormap(ColormapId::Gray);
        view.spectrogram()->setStftConfig(StftConfig{WindowType::Hann, 512, 128});
        QCOMPARE(right->stftConfig(), view.spectrogram()->stftConfig());
        QCOMPARE(right->style().rangeDb, 50.0f);
        QCOMPARE(right->style().topDb, -6.0f);
        QCOMPARE(int(right->style().colormap), int(ColormapId::Gray));
        QVERIFY(waitUntil([&] { return view.isReady(); }));
        QVERIFY(view.spectrogram()->grab().toImage() != right->grab().toImage());
        QTemporaryDir dir;
        QVERIFY(view.exportSpectrogramPng(dir.filePath("stacked.png")));
        QVERIFY(QImage(dir.filePath("stacked.png")).height() >= view.spectrogram()->height() + right->height());
        QDir().mkpath("screenshots");
        QVERIFY(view.grab().save("screenshots/audio_view_stacked.png"));
        view.setChannelView("mid");
        QVERIFY(waitUntil([&] { return view.isReady() && shown.count() == 7; }));
        QVERIFY(view.channelSpectrograms().empty());
        QVERIFY(view.spectrogram()->cornerLabel().isEmpty());
        QVERIFY(channels.last().at(0).value<std::vector<std::shared_ptr<const Eigen::ArrayXf>>>().empty());

        view.setChannelView("7");  // not offered: ignored
        QCOMPARE(view.channelView(), QString("mid"));

        // A mono file: no channel box, one lane, the view back to the mix.
        view.setAudio(std::make_shared<const Audio>(Audio::fromMono(test::sine(n, 440, rate), rate)));
        QVERIFY(waitUntil([&] { return view.isReady() && shown.count() == 8; }));
        QVERIFY(!view.channelBox()->isVisibleTo(&view));
        QCOMPARE(view.waveform()->laneCount(), 1);
        QCOMPARE(view.channelView(), QString("mono"));
    }

    void panesStayInSyncWhenOneIsZoomed() {
        // 2 s of quiet noise with one click at 1.2 s: after zooming the spectrogram with
        // ctrl+wheel, the click is drawn at the same x in the waveform and the spectrogram.
        const double rate = 16000;
        Eigen::ArrayXf x = test::whiteNoise(Eigen::Index(2 * rate), 7, 0.002f);
        x(Eigen::Index(1.2 * rate)) = 0.9f;
        AudioView view;
        view.resize(1000, 700);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.setAudio(std::make_shared<const Audio>(Audio::fromMono(x, rate)));
        QVERIFY(waitUntil([&] { return view.isReady(); }));

        SpectrogramPane* spec = view.spectrogram();
        const QPoint at(spec->xAtTime(1.0), spec->plotRect().center().y());
        QWheelEvent wheel(at, spec->mapToGlobal(at), QPoint(), QPoint(0, 4 * 120), Qt::NoButton, Qt::ControlModifier,
                          Qt::NoScrollPhase, false);
        QApplication::sendEvent(spec, &wheel);
        const double span = view.view()->viewSpan();
        QVERIFY2(span < 1.0 && span > 0.5, qPrintable(QString("span %1").arg(span)));  // 1.25^4 = 2.44x
        QVERIFY(view.view()->viewStart() > 0.5 && view.view()->viewEnd() > 1.3);
        QVERIFY(waitUntil([&] { return view.isReady(); }));

        const int expected = spec->xAtTime(1.2);
        // Waveform: the column whose drawn envelope reaches highest.
        const QImage wimg = view.waveform()->grab().toImage();
        const QRect wplot = view.waveform()->plotRect();
        int waveX = -1, topY = wplot.bottom();
        for (int cx = wplot.left() + 2; cx < wplot.right(); ++cx)
            for (int cy = wplot.top(); cy < topY; ++cy)
                if (luminance(wimg.pixel(cx, cy)) > 120 && qBlue(wimg.pixel(cx, cy)) > 150) {
                    topY = cy;
                    waveX = cx;
                    break;
                }
        // Spectrogram: the centre of the brightest columns (a click is broadband; the two frames
        // at 1.184 s and 1.216 s, centred 16 ms either side of it, are equally bright).
        const QImage simg = spec->grab().toImage();
        const QRect splot = spec->plotRect();
        std::vector<long> sums;
        for (int cx = splot.left() + 2; cx <= splot.right(); ++cx) {  // skip the axis border line
            long sum = 0;
            for (int cy = splot.top(); cy <= splot.bottom(); cy += 2) sum += luminance(simg.pixel(cx, cy));
            sums.push_back(sum);
        }
        const long best = *std::max_element(sums.begin(), sums.end());
        double centre = 0;
        int count = 0;
        for (std::size_t i = 0; i < sums.size(); ++i)
            if (sums[i] >= best * 97 / 100) centre += double(i), ++count;
        const int specX = splot.left() + 2 + int(std::lround(centre / count));
        QVERIFY2(std::abs(waveX - expected) <= 2, qPrintable(QString("waveform click at x=%1, expected %2").arg(waveX).arg(expected)));
        QVERIFY2(std::abs(specX - expected) <= 3, qPrintable(QString("spectrogram click at x=%1, expected %2").arg(specX).arg(expected)));
        // Same time -> same x in every pane (they share the left axis width and the viewport).
        QCOMPARE(view.waveform()->xAtTime(1.2), spec->xAtTime(1.2));
        QCOMPARE(view.ruler()->xAtTime(1.2), spec->xAtTime(1.2));

        // Scrolling one pane moves the others: the waveform's click moves with the spectrogram's.
        view.view()->scrollBy(0.1);
        QVERIFY(std::abs(view.waveform()->xAtTime(1.2) - (expected - 0.1 / span * splot.width())) <= 1.0);
    }

    void readoutShowsFrequencyNoteAndLevel() {
        // A 500 Hz sine (exactly bin 64 at 16 kHz / 2048) of amplitude 0.5 reads -6.02 dBFS.
        const double rate = 16000;
        auto x = signalOf(test::sine(Eigen::Index(rate), 500, rate, 0.5), rate);
        ViewManager view;
        view.reset(1.0, rate / 2);
        SpectrogramPane pane(&view);
        pane.resize(464, 400);  // plot 400 x 400: 20 Hz per pixel row on the linear axis
        pane.show();
        QVERIFY(QTest::qWaitForWindowExposed(&pane));
        pane.setSignal(x, rate);
        QSignalSpy finished(&pane, &SpectrogramPane::computeFinished);
        QVERIFY(finished.wait(10000));
        QSignalSpy readouts(&pane, &SpectrogramPane::readout);

        const QRect plot = pane.plotRect();
        QCOMPARE(plot.height(), 400);
        const int y = plot.top() + 375;  // (1 - 375/400) * 8000 = 500 Hz
        QTest::mouseMove(&pane, QPoint(pane.xAtTime(0.5), y));
        QVERIFY(!readouts.isEmpty());
        auto r = readouts.last().at(0).value<SpectrogramReadout>();
        QVERIFY(r.valid);
        QVERIFY2(std::abs(r.time - 0.5) < 0.01, qPrintable(QString::number(r.time)));
        QCOMPARE(r.hz, 500.0);
        QCOMPARE(r.note, QString("B4"));  // 493.88 Hz + 21 cents
        QVERIFY(std::abs(r.cents - 21.4) < 0.5);
        QVERIFY2(std::abs(r.db - (-6.02)) < 0.05, qPrintable(QString::number(r.db)));
        QVERIFY(r.text().contains("500.0 Hz") && r.text().contains("B4") && r.text().contains("-6.0 dBFS"));

        // Log axis: the row of 440 Hz reads A4.
        view.setFrequencyScale(FrequencyScale::Log);
        const int y440 = plot.bottom() - int(view.frequencyAxis().toPosition(440) * plot.height());
        QTest::mouseMove(&pane, QPoint(pane.xAtTime(0.5), y440));
        r = readouts.last().at(0).value<SpectrogramReadout>();
        QVERIFY2(std::abs(r.hz - 440) < 440 * 0.03, qPrintable(QString::number(r.hz)));
        QCOMPARE(r.note, QString("A4"));
        QCOMPARE(pane.readoutAt(QPoint(pane.xAtTime(0.5), y440)).hz, r.hz);
    }

    void changingTheStftRestartsTheComputation() {
        const double rate = 16000;
        auto x = signalOf(test::whiteNoise(Eigen::Index(20 * rate), 3), rate);
        ViewManager view;
        view.reset(20, rate / 2);
        SpectrogramPane pane(&view);
        pane.resize(600, 300);
        QSignalSpy finished(&pane, &SpectrogramPane::computeFinished);
        pane.setSignal(x, rate);
        StftConfig b;
        b.windowLength = 1024;
        b.hop = 256;
        pane.setStftConfig(b);  // cancels the first job
        QVERIFY(finished.wait(10000));
        QTest::qWait(200);
        QCOMPARE(finished.count(), 1);
        QCOMPARE(pane.levels()->config.windowLength, 1024);
        QCOMPARE(pane.levels()->frames(), Eigen::Index(1 + x->size() / 256));
        // An invalid configuration is reported in the pane, not thrown.
        StftConfig bad;
        bad.windowLength = 1024;
        bad.hop = 1000;
        QSignalSpy failed(&pane, &SpectrogramPane::computeFailed);
        pane.setStftConfig(bad);
        QVERIFY(failed.wait(5000));
        QVERIFY(!pane.errorMessage().isEmpty());
        QVERIFY(!pane.levels());
    }

    void cancelStopsTheComputationAndSaysSo() {
        const double rate = 44100;
        auto x = signalOf(test::whiteNoise(Eigen::Index(120 * rate), 5), rate);
        ViewManager view;
        view.reset(120, rate / 2);
        SpectrogramPane pane(&view);
        pane.resize(600, 300);
        QSignalSpy cancelled(&pane, &SpectrogramPane::computeCancelled);
        QSignalSpy finished(&pane, &SpectrogramPane::computeFinished);
        pane.setSignal(x, rate);
        QVERIFY(pane.isComputing());
        pane.cancel();
        QVERIFY(cancelled.wait(5000));
        QCOMPARE(finished.count(), 0);
        QVERIFY(!pane.isComputing());
        QVERIFY(!pane.levels());
        QVERIFY(pane.errorMessage().contains("cancelled"));
        pane.recompute();
        QVERIFY(finished.wait(20000));
        QVERIFY(pane.levels());
    }

    void levelsMatchTheDenseStft() {
        // The quantised levels equal 20 log10(|X| / fullScale) of core's STFT within 1/256 dB.
        const double rate = 8000;
        const Eigen::ArrayXf x = test::whiteNoise(12000, 11, 0.3f);
        StftConfig cfg;
        cfg.windowLength = 256;
        cfg.hop = 64;
        auto levels = computeSpectrogramLevels(x, rate, cfg);
        Stft stft(cfg);
        const Magnitudes ref = magnitudeDb(magnitude(stft.analyse(x)) / stft.fullScaleMagnitude(), -200);
        const Magnitudes got = levels->toDb();
        QCOMPARE(got.rows(), ref.rows());
        QCOMPARE(got.cols(), ref.cols());
        QVERIFY((got - ref).abs().maxCoeff() < 0.01f);
        // Pyramid levels are maxima of pairs.
        QCOMPARE(levels->levelCount(), 1);  // 188 frames need no pyramid
    }
};

QTEST_MAIN(TestWidgetsSpectrogram)
#include "test_widgets_spectrogram.moc"
