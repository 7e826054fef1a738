#pragma once
// Running the built phaselab-cli from tests.

#include <QByteArray>
#include <QProcess>
#include <QProcessEnvironment>
#include <QStringList>

#include "test_support.h"

namespace phaselab::test {

struct CliResult {
    int code = -1;
    QByteArray out, err;
};

inline CliResult runCli(const QStringList& args, int timeoutMs = 120000,
                        const QProcessEnvironment& environment = QProcessEnvironment::systemEnvironment()) {
    QProcess p;
    p.setProcessEnvironment(environment);
    p.start(QString::fromStdString(binary("phaselab-cli")), args);
    if (!p.waitForFinished(timeoutMs)) return {-1, {}, "timeout"};
    return {p.exitCode(), p.readAllStandardOutput(), p.readAllStandardError()};
}

}  // namespace phaselab::test
