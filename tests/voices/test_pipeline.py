"""The recording pipeline on a corpus generated here: every accepted format and the hostile ones."""

from __future__ import annotations

import io
import itertools
import struct
from pathlib import Path

import av
import pytest

from magicshelf.errors import RecordingTooLong, UnprocessableAudio, UnsupportedAudio
from magicshelf.voices.pipeline import TARGET_LOUDNESS, Recording, process_audio
from tests.voices import corpus


def processed(tmp_path: Path, data: bytes, *, max_seconds: int = 180) -> Recording:
    path = tmp_path / "upload.part"  # no telling name: the bytes decide
    path.write_bytes(data)
    return process_audio(path, max_seconds=max_seconds)


def loudness(data: bytes) -> float:
    """Integrated loudness (LUFS) of an encoded file, measured by FFmpeg's ebur128."""
    with av.open(io.BytesIO(data)) as source:
        graph = av.filter.Graph()
        stream = source.streams.audio[0]
        chain = [graph.add_abuffer(template=stream), graph.add("ebur128", "metadata=1")]
        chain.append(graph.add("abuffersink"))
        for left, right in itertools.pairwise(chain):
            left.link_to(right)
        graph.configure()
        last = None
        for frame in source.decode(stream):
            graph.push(frame)
            while True:
                try:
                    out = graph.pull()
                except (av.BlockingIOError, av.EOFError):
                    break
                last = out.metadata.get("lavfi.r128.I", last)
    assert last is not None
    return float(last)


def assert_stored_form(recording: Recording) -> None:
    data = recording.data
    assert data[4:8] == b"ftyp"
    assert data.index(b"moov") < data.index(b"mdat"), "the index comes first (faststart)"
    with av.open(io.BytesIO(data)) as source:
        [stream] = source.streams
        assert stream.type == "audio"
        assert stream.codec_context.name == "aac"
        assert stream.codec_context.profile == "LC"
        assert stream.codec_context.channels == 1
        assert not source.metadata.keys() - {"major_brand", "minor_version", "compatible_brands"}


@pytest.mark.parametrize("kind", list(corpus.FORMATS))
def test_every_accepted_format_becomes_trimmed_loud_mono_aac(tmp_path: Path, kind: str) -> None:
    # One second of hiss, three of voice, one of hiss: the hiss at both ends goes.
    stereo = kind == "wav"
    upload = corpus.encode(corpus.speech(channels=2 if stereo else 1), kind, tags=corpus.TAGS)
    recording = processed(tmp_path, upload)

    assert_stored_form(recording)
    assert 2.8 <= recording.duration_seconds <= 3.6
    assert abs(loudness(recording.data) - TARGET_LOUDNESS) < 2.0
    for value in corpus.TAGS.values():
        assert value.encode() not in recording.data
    assert processed(tmp_path, upload).data == recording.data, "same upload, same bytes"


def test_a_quiet_reading_is_brought_up_and_a_shout_kept_below_full_scale(tmp_path: Path) -> None:
    quiet = processed(tmp_path, corpus.encode(corpus.speech(gain=0.05), "wav"))
    assert abs(loudness(quiet.data) - TARGET_LOUDNESS) < 2.0
    shout = processed(tmp_path, corpus.encode(corpus.clipped(), "wav"))
    assert_stored_form(shout)
    with av.open(io.BytesIO(shout.data)) as source:
        peak = 0.0
        for frame in source.decode(audio=0):
            assert frame.format.name == "fltp"  # AAC decodes to planar 32-bit float
            plane = bytes(frame.planes[0])[: frame.samples * 4]
            peak = max(
                peak, *(abs(sample) for sample in struct.unpack(f"<{frame.samples}f", plane))
            )
    assert peak < 1.0, "a shout is limited below full scale"


def test_pauses_in_the_middle_stay(tmp_path: Path) -> None:
    spoken = ((1, 2), (4, 5))  # two sentences, two seconds apart
    recording = processed(tmp_path, corpus.encode(corpus.speech(6, spoken=spoken), "ogg"))
    assert 3.8 <= recording.duration_seconds <= 4.6


def test_a_video_keeps_its_sound(tmp_path: Path) -> None:
    for kind in ("mp4", "webm"):
        recording = processed(tmp_path, corpus.video(corpus.speech(), kind))
        assert_stored_form(recording)
        assert 2.8 <= recording.duration_seconds <= 3.6


def _wav_claiming(hours: int) -> bytes:
    wav = bytearray(corpus.encode(corpus.speech(2), "wav"))
    data = wav.index(b"data")
    claimed = hours * 3600 * corpus.RATE * 2
    wav[data + 4 : data + 8] = struct.pack("<I", min(claimed, 0xFFFFFFFF - 64))
    wav[4:8] = struct.pack("<I", min(claimed + 36, 0xFFFFFFFF))
    return bytes(wav)


REFUSED = [
    ("0 bytes", b"", UnsupportedAudio),
    ("text", b"Era uma vez uma menina que cantava." * 20, UnsupportedAudio),
    ("png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 200, UnsupportedAudio),
    ("mp3 in mp4", None, UnsupportedAudio),
    ("picture only", None, UnprocessableAudio),
    ("silence", None, UnprocessableAudio),
    ("truncated mp4", None, UnprocessableAudio),
    ("claims 10 hours", None, RecordingTooLong),
]


def _hostile(name: str) -> bytes:
    return {
        "mp3 in mp4": lambda: corpus.foreign(corpus.speech(2)),
        "picture only": corpus.picture_only,
        "silence": lambda: corpus.encode(corpus.silence(), "webm"),
        "truncated mp4": lambda: corpus.encode(corpus.speech(), "m4a")[:2000],
        "claims 10 hours": lambda: _wav_claiming(10),
    }[name]()


@pytest.mark.parametrize(("name", "data", "error"), REFUSED, ids=[r[0] for r in REFUSED])
def test_hostile_files_are_refused_by_name(
    tmp_path: Path, name: str, data: bytes | None, error: type[Exception]
) -> None:
    with pytest.raises(error) as raised:
        processed(tmp_path, data if data is not None else _hostile(name))
    assert str(raised.value)  # a detail that says what to do


def test_longer_than_the_limit_is_refused_while_decoding(tmp_path: Path) -> None:
    # A stream without a duration in its header (as MediaRecorder writes WebM) is counted.
    upload = corpus.encode(corpus.speech(6, spoken=((0.5, 5.5),)), "webm", streamed=True)
    with pytest.raises(RecordingTooLong):
        processed(tmp_path, upload, max_seconds=3)
    assert processed(tmp_path, upload, max_seconds=6).duration_seconds > 4.5
