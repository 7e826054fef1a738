#pragma once
// The private PulseAudio server of tests/with_pulseaudio.sh, as the playback tests see it.

#include <QAudioDevice>
#include <QMediaDevices>
#include <QtTest>

namespace phaselab::test {

// The "loop" source: what is played into the null sink, recorded back.
inline QAudioDevice loopSource() {
    for (const QAudioDevice& d : QMediaDevices::audioInputs())
        if (d.id() == "loop") return d;
    return {};
}

}  // namespace phaselab::test

// In a test function: fails under CI (CI set) and skips elsewhere when no private server runs.
#define PHASELAB_REQUIRE_PULSEAUDIO()                                                                             \
    do {                                                                                                         \
        if (!qEnvironmentVariableIsSet("PULSE_SERVER")) {                                                        \
            if (qEnvironmentVariableIsSet("CI"))                                                                 \
                QFAIL("CI is set but no PulseAudio server was started (run through tests/with_pulseaudio.sh)"); \
            QSKIP("no private PulseAudio server (run through tests/with_pulseaudio.sh)");                       \
        }                                                                                                        \
    } while (false)
