// Every input that scripts/fuzz found to crash a parser or the audio reader (kept in
// tests/data/fuzz/, named experiment-*, manifest-* or audio-*) must now give a clear InputError
// or parse, never crash, throw anything else or trip a sanitizer (scripts/sanitize runs this too).
#include <QDir>
#include <QFile>
#include <QtTest>

#include "core/common/error.h"
#include "core/experiment/experiment.h"
#include "core/io/audio.h"
#include "test_support.h"

using namespace phaselab;

class TestFuzzRegressions : public QObject {
    Q_OBJECT
private slots:
    void everyFoundInputIsHandled() {
        const QDir dir(QString::fromStdString(test::testData("fuzz")));
        const QStringList files = dir.entryList(QDir::Files, QDir::Name);
        QVERIFY(!files.isEmpty());
        for (const QString& name : files) {
            const std::string path = dir.filePath(name).toStdString();
            QFile f(dir.filePath(name));
            QVERIFY(f.open(QIODevice::ReadOnly));
            const std::string text = f.readAll().toStdString();
            try {
                if (name.startsWith("experiment-")) experiment::parse(text, path);
                else if (name.startsWith("manifest-")) experiment::parseManifest(text, path);
                else if (name.startsWith("audio-")) readAudio(path);
                else QFAIL(qPrintable("unknown kind of fuzz input: " + name));
            } catch (const InputError& e) {
                QVERIFY2(std::string(e.what()).find(path) != std::string::npos, e.what());
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestFuzzRegressions)
#include "test_fuzz_regressions.moc"
