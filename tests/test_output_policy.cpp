// The output policy (core/io/output_policy.h): file names from untrusted text, confinement to the
// output folder, inputs never written, existing files replaced only when allowed, atomic writes.
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>
#include <filesystem>

#include "core/common/error.h"
#include "core/io/output_policy.h"

using namespace phaselab;

class TestOutputPolicy : public QObject {
    Q_OBJECT
    QTemporaryDir dir;
    std::string path(const char* name) { return dir.filePath(name).toStdString(); }
    void touch(const char* name) {
        QFile f(dir.filePath(name));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("input");
    }

private slots:
    void safeNamesHaveNoWayOut() {
        QCOMPARE(safeFileName("piano"), std::string("piano"));
        QCOMPARE(safeFileName("../s2"), std::string("_s2"));
        QCOMPARE(safeFileName("/tmp/x/evil"), std::string("_tmp_x_evil"));
        QCOMPARE(safeFileName(".."), std::string("unnamed"));
        QCOMPARE(safeFileName(""), std::string("unnamed"));
        QCOMPARE(safeFileName("..\\..\\win"), std::string("_.._win"));
        QCOMPARE(safeFileName("a\nb\tc"), std::string("a_b_c"));
        QCOMPARE(safeFileName(".hidden"), std::string("hidden"));
        QCOMPARE(safeFileName("Stimme – Ä"), std::string("Stimme – Ä"));
        const std::string longName(500, 'x');
        QCOMPARE(safeFileName(longName).size(), std::size_t(120));
        // A multi-byte character is never cut in half.
        std::string accents;
        for (int i = 0; i < 100; ++i) accents += "é";
        const std::string cut = safeFileName(accents);
        QVERIFY(cut.size() <= 120 && cut.size() % 2 == 0);
        for (const char* evil : {"../a", "/abs", "a/b", "..", ".", "c:\\x", "x\0y"})
            QVERIFY(safeFileName(evil).find('/') == std::string::npos && safeFileName(evil) != "..");
    }

    void duplicatesBecomeUnique() {
        const auto names = uniqueFileNames({"bass", "Bass", "bass", "../bass", "_bass"});
        QCOMPARE(names, (std::vector<std::string>{"bass", "Bass-2", "bass-3", "_bass", "_bass-2"}));
    }

    void insideRefusesEscapes() {
        OutputPolicy policy;
        QCOMPARE(policy.inside("out", "a.wav"), std::string("out/a.wav"));
        for (const char* bad : {"../a.wav", "/tmp/a.wav", "sub/a.wav", "..", ".", ""})
            QVERIFY_THROWS_EXCEPTION(InputError, policy.inside("out", bad));
    }

    void inputsAreNeverTargets() {
        touch("in.wav");
        OutputPolicy policy(true);  // even when overwriting is allowed
        policy.addInput(path("in.wav"));
        QVERIFY_THROWS_EXCEPTION(InputError, policy.check(path("in.wav")));
        // The same file by another spelling: "..", "." and a symbolic link.
        QDir(dir.path()).mkdir("sub");
        QVERIFY_THROWS_EXCEPTION(InputError, policy.check(dir.filePath("sub/../in.wav").toStdString()));
        QVERIFY_THROWS_EXCEPTION(InputError, policy.check(dir.filePath("./in.wav").toStdString()));
        std::filesystem::create_symlink(path("in.wav"), path("link.wav"));
        QVERIFY_THROWS_EXCEPTION(InputError, policy.check(path("link.wav")));
        std::filesystem::create_hard_link(path("in.wav"), path("hard.wav"));
        QVERIFY_THROWS_EXCEPTION(InputError, policy.check(path("hard.wav")));
        QVERIFY(policy.problem(path("in.wav")).find("input of this command") != std::string::npos);
        policy.check(path("other.wav"));
    }

    void existingFilesNeedPermission() {
        touch("old.png");
        OutputPolicy careful(false), forced(true);
        QVERIFY(careful.problem(path("old.png")).find("exists already") != std::string::npos);
        QVERIFY(careful.problem(path("new.png")).empty());
        QVERIFY(forced.problem(path("old.png")).empty());
        QDir(dir.path()).mkdir("folder.wav");
        QVERIFY(forced.problem(path("folder.wav")).find("is a folder") != std::string::npos);
        QVERIFY(forced.problem(path("nowhere/x.wav")).find("does not exist") != std::string::npos);
    }

    void atomicWritesLeaveNoDebris() {
        writeFileAtomically(path("t.txt"), "first");
        writeFileAtomically(path("t.txt"), "second");
        QFile f(dir.filePath("t.txt"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), QByteArray("second"));
        QVERIFY(QDir(dir.path()).entryList({"*.part"}, QDir::Files | QDir::Hidden).isEmpty());
        // A failed write (the target is a folder) leaves the folder and no temporary behind.
        QDir(dir.path()).mkdir("taken");
        QVERIFY_THROWS_EXCEPTION(InputError, writeFileAtomically(path("taken"), "x"));
        QVERIFY(QFileInfo(dir.filePath("taken")).isDir());
        QVERIFY(QDir(dir.path()).entryList({"*.part"}, QDir::Files | QDir::Hidden).isEmpty());
        QVERIFY_THROWS_EXCEPTION(InputError, writeFileAtomically(path("missing/t.txt"), "x"));
    }
};

QTEST_GUILESS_MAIN(TestOutputPolicy)
#include "test_output_policy.moc"
