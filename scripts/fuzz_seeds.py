#!/usr/bin/env python3
"""Writes the seed corpus of scripts/fuzz into DIR/audio, DIR/experiment and DIR/manifest:
tiny audio files (WAV PCM 8/16/24/32, float, stereo, odd headers) and typical experiment and
batch-manifest files, valid and subtly broken. Deterministic (fixed seed)."""
import json, math, os, random, struct, sys, wave

out = sys.argv[1]
rng = random.Random(1234)
for d in ("audio", "experiment", "manifest"):
    os.makedirs(os.path.join(out, d), exist_ok=True)


def put(kind, name, data):
    with open(os.path.join(out, kind, name), "wb") as f:
        f.write(data)


def tone(n, rate, f=440.0):
    return [0.5 * math.sin(2 * math.pi * f * i / rate) + 0.05 * rng.uniform(-1, 1) for i in range(n)]


def pcm_wav(name, samples, rate, channels, width):
    path = os.path.join(out, "audio", name)
    with wave.open(path, "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(width)
        w.setframerate(rate)
        scale = (1 << (8 * width - 1)) - 1
        frames = bytearray()
        for s in samples:
            for _ in range(channels):
                v = int(max(-1, min(1, s)) * scale)
                frames += (v + 128).to_bytes(1, "little") if width == 1 else v.to_bytes(width, "little", signed=True)
        w.writeframes(bytes(frames))


def float_wav(name, samples, rate):
    data = b"".join(struct.pack("<f", s) for s in samples)
    fmt = struct.pack("<HHIIHH", 3, 1, rate, rate * 4, 4, 32)
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt + b"data" + struct.pack("<I", len(data)) + data
    put("audio", name, b"RIFF" + struct.pack("<I", len(body)) + body)


pcm_wav("pcm16-mono.wav", tone(400, 8000), 8000, 1, 2)
pcm_wav("pcm16-stereo.wav", tone(300, 16000), 16000, 2, 2)
pcm_wav("pcm8.wav", tone(200, 8000), 8000, 1, 1)
pcm_wav("pcm24.wav", tone(200, 44100), 44100, 1, 3)
pcm_wav("pcm32.wav", tone(100, 48000), 48000, 2, 4)
float_wav("float.wav", tone(256, 22050), 22050)
float_wav("float-huge.wav", [3e38, -1e10, 0.5, float("nan")], 8000)
with open(os.path.join(out, "audio", "pcm16-mono.wav"), "rb") as f:
    whole = f.read()
put("audio", "truncated.wav", whole[: len(whole) // 2])
put("audio", "empty-data.wav", whole[:44])

mixture = {"name": "mix", "path": "mix.wav", "checksum": "fnv1a64:0123456789abcdef"}
runs = [
    {"kind": "separation", "algorithm": "wiener", "magnitudes": "oracle", "parameters": {},
     "stft": {"window": 1024, "hop": 256, "fft": 1024, "window_type": "hann"}, "metrics": {"sdr": [1.5, 2.5]}},
    {"kind": "separation", "algorithm": "misi", "parameters": {"iterations": 5, "order": "magnitude-first"},
     "stft": {"window": 2048, "hop": 512}},
    {"kind": "recovery", "algorithm": "fgla", "parameters": {"iterations": 10, "momentum": 0.99},
     "stft": {"window": 512, "hop": 128, "window_type": "sqrt-hann"}, "metrics": {"spectral_convergence_db": [-20.1]}},
]
experiment = {"format": "phaselab-experiment", "version": 1, "library_version": "0.1.0", "mixture": mixture,
              "references": [{"name": "a", "path": "a.wav"}, {"name": "../b", "path": "sub/b.wav"}], "runs": runs}
put("experiment", "full.json", json.dumps(experiment, indent=2).encode())
put("experiment", "minimal.json", b'{"format": "phaselab-experiment", "version": 1, "mixture": {"path": "m.wav"}}')
for key, value in (("window", 4294967808), ("window", 1e300), ("hop", -1), ("fft", 0.5)):
    e = json.loads(json.dumps(experiment))
    e["runs"][0]["stft"][key] = value
    put("experiment", f"bad-{key}-{value}.json", json.dumps(e).encode())
put("experiment", "truncated.json", json.dumps(experiment).encode()[:200])

manifest = {"format": "phaselab-batch", "root": "tracks", "mixture": "mixture.wav",
            "sources": ["bass.wav", "drums.wav", "other.wav", "vocals.wav"], "runs": runs}
put("manifest", "musdb.json", json.dumps(manifest, indent=2).encode())
m = dict(manifest, sources=["../escape.wav", "/etc/passwd"])
put("manifest", "escape.json", json.dumps(m).encode())
put("manifest", "minimal.json", b'{"format": "phaselab-batch", "runs": [{"algorithm": "wiener"}]}')
