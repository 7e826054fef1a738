#!/bin/sh
# Runs a command with a private PulseAudio daemon (design.md §5): a null sink "null" and a source
# "loop" that records what is played into it. The daemon lives in a temporary directory with its
# own socket, PULSE_SERVER points the command at it, and the daemon is killed by its PID at the end.
# If the daemon cannot start: with CI set this script fails; otherwise the command runs without it
# (the playback test then skips).
# Usage: tests/with_pulseaudio.sh COMMAND [ARGS...]
set -u
DIR=$(mktemp -d "${TMPDIR:-/tmp}/phaselab-pulse.XXXXXX") || exit 1
PID=""
cleanup() {
    if [ -n "$PID" ]; then
        kill "$PID" 2>/dev/null
        wait "$PID" 2>/dev/null
    fi
    rm -rf "$DIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if command -v pulseaudio >/dev/null 2>&1; then
    # HOME and XDG_RUNTIME_DIR point into DIR so that the daemon (also when run as root) writes its
    # cookie and state there; -n skips the default configuration; no idle exit, no PID file.
    HOME="$DIR" XDG_RUNTIME_DIR="$DIR" XDG_CONFIG_HOME="$DIR" pulseaudio -n --daemonize=no \
        --exit-idle-time=-1 --use-pid-file=no --disable-shm=yes --log-target=file:"$DIR/log" \
        -L "module-native-protocol-unix socket=$DIR/native auth-anonymous=1" \
        -L "module-null-sink sink_name=null" \
        -L "module-remap-source master=null.monitor source_name=loop" &
    PID=$!
    i=0
    while [ $i -lt 50 ] && ! PULSE_SERVER="unix:$DIR/native" pactl info >/dev/null 2>&1; do
        if ! kill -0 "$PID" 2>/dev/null; then break; fi
        sleep 0.2
        i=$((i + 1))
    done
fi

if [ -n "$PID" ] && PULSE_SERVER="unix:$DIR/native" pactl info >/dev/null 2>&1; then
    export PULSE_SERVER="unix:$DIR/native"
else
    echo "with_pulseaudio.sh: could not start a private PulseAudio daemon" >&2
    [ -f "$DIR/log" ] && cat "$DIR/log" >&2
    if [ -n "${CI:-}" ]; then
        exit 1
    fi
    PID=""
fi
"$@"
exit $?
