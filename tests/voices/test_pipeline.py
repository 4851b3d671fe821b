"""The audio pipeline on a generated corpus: what is accepted, refused, and what comes out."""

from __future__ import annotations

import math
import struct
from dataclasses import dataclass
from pathlib import Path

import av
import av.filter
import pytest
from av.audio.frame import AudioFrame

from magicshelf.errors import RecordingTooLong, UnprocessableAudio, UnsupportedAudio
from magicshelf.voices.pipeline import TARGET_LOUDNESS, Recording, process_audio
from tests.voices import corpus

MAX_SECONDS = 60
# 1 s hiss + 3 s voice + 1 s hiss keeps the 3 s plus the 0.1 s and 0.2 s margins; 50 ms
# windows and the codecs' few ms of delay move either end by at most one window.
SPOKEN_SECONDS = 3.3
DURATION_TOLERANCE = 0.1
# One gain and FFmpeg's AAC land within a few tenths of a LU on this signal; 1 LU is what
# a listener can just tell apart.
LOUDNESS_TOLERANCE = 1.0


@dataclass(frozen=True)
class Loudness:
    integrated: float  # LUFS
    true_peak: float  # dBTP


def measured(data: bytes, tmp_path: Path) -> Loudness:
    """EBU R128 of a file, by FFmpeg's ebur128 filter."""
    path = tmp_path / "measured"
    path.write_bytes(data)
    summary: dict[str, str] = {}
    with av.open(str(path)) as source:
        graph: av.filter.Graph | None = None
        for frame in source.decode(audio=0):
            if graph is None:
                graph = av.filter.Graph()
                graph.link_nodes(
                    graph.add_abuffer(
                        format=frame.format.name,
                        sample_rate=frame.sample_rate,
                        layout=frame.layout.name,
                        time_base=frame.time_base,
                    ),
                    graph.add("ebur128", "metadata=1:peak=true"),
                    graph.add("abuffersink"),
                )
                graph.configure()
            graph.push(frame)
            summary = _last_summary(graph, summary)
        assert graph is not None
        graph.push(None)
        summary = _last_summary(graph, summary)
    peak = float(summary["lavfi.r128.true_peak"])
    return Loudness(float(summary["lavfi.r128.I"]), 20 * math.log10(peak))


def _last_summary(graph: av.filter.Graph, summary: dict[str, str]) -> dict[str, str]:
    while True:
        try:
            metadata = graph.pull().metadata
        except (av.BlockingIOError, av.EOFError):
            return summary
        if "lavfi.r128.I" in metadata:
            summary = metadata


def top_level_boxes(data: bytes) -> list[bytes]:
    boxes, offset = [], 0
    while offset < len(data):
        size, kind = struct.unpack_from(">I4s", data, offset)
        boxes.append(kind)
        offset += size
    return boxes


def processed(data: bytes, tmp_path: Path, *, max_seconds: int = MAX_SECONDS) -> Recording:
    path = tmp_path / "upload.part"  # the name says nothing: the bytes decide
    path.write_bytes(data)
    return process_audio(path, max_seconds=max_seconds)


@pytest.fixture(scope="module")
def voice() -> list[AudioFrame]:
    return corpus.speech()


def assert_stored_form(recording: Recording, tmp_path: Path) -> None:
    path = tmp_path / "stored.m4a"
    path.write_bytes(recording.data)
    with av.open(str(path)) as stored:
        assert "mp4" in stored.format.name
        assert len(stored.streams) == 1
        (stream,) = stored.streams.audio
        assert stream.codec_context.name == "aac"
        assert stream.codec_context.profile == "LC"
        assert stream.channels == 1
        assert stream.sample_rate == 48_000
    boxes = top_level_boxes(recording.data)
    assert boxes.index(b"moov") < boxes.index(b"mdat")


@pytest.mark.parametrize("kind", list(corpus.FORMATS))
def test_every_accepted_format_becomes_trimmed_normalised_mono_aac(
    kind: str, voice: list[AudioFrame], tmp_path: Path
) -> None:
    recording = processed(corpus.encode(voice, kind), tmp_path)

    assert_stored_form(recording, tmp_path)
    assert recording.duration_seconds == pytest.approx(SPOKEN_SECONDS, abs=DURATION_TOLERANCE)
    loudness = measured(recording.data, tmp_path)
    assert loudness.integrated == pytest.approx(TARGET_LOUDNESS, abs=LOUDNESS_TOLERANCE)
    assert loudness.true_peak <= -1.5


def test_stereo_wav_is_mixed_down(tmp_path: Path) -> None:
    stereo = corpus.encode(corpus.speech(channels=2), "wav")
    recording = processed(stereo, tmp_path)

    assert_stored_form(recording, tmp_path)
    assert recording.duration_seconds == pytest.approx(SPOKEN_SECONDS, abs=DURATION_TOLERANCE)


def test_a_pause_in_the_middle_is_kept(tmp_path: Path) -> None:
    paused = corpus.encode(corpus.speech(spoken=((1, 2), (3, 4))), "m4a")
    recording = processed(paused, tmp_path)

    assert recording.duration_seconds == pytest.approx(SPOKEN_SECONDS, abs=DURATION_TOLERANCE)


def test_a_quiet_reading_is_lifted_to_the_target(tmp_path: Path) -> None:
    whisper = corpus.encode(corpus.speech(gain=0.03), "wav")
    assert measured(whisper, tmp_path).integrated < TARGET_LOUDNESS - 20

    recording = processed(whisper, tmp_path)

    loudness = measured(recording.data, tmp_path)
    assert loudness.integrated == pytest.approx(TARGET_LOUDNESS, abs=LOUDNESS_TOLERANCE)
    assert recording.duration_seconds == pytest.approx(SPOKEN_SECONDS, abs=DURATION_TOLERANCE)


def test_clipping_is_processed_with_its_peaks_below_full_scale(tmp_path: Path) -> None:
    shout = corpus.encode(corpus.clipped(), "wav")
    assert measured(shout, tmp_path).true_peak >= 0

    recording = processed(shout, tmp_path)

    assert measured(recording.data, tmp_path).true_peak < 0
    assert recording.duration_seconds == pytest.approx(SPOKEN_SECONDS, abs=DURATION_TOLERANCE)


@pytest.mark.parametrize("kind", ["mp4", "webm"])
def test_a_video_keeps_its_sound(kind: str, voice: list[AudioFrame], tmp_path: Path) -> None:
    recording = processed(corpus.video(voice, kind), tmp_path)

    assert_stored_form(recording, tmp_path)
    assert recording.duration_seconds == pytest.approx(SPOKEN_SECONDS, abs=DURATION_TOLERANCE)


@pytest.mark.parametrize("kind", ["wav", "m4a", "mp3", "webm"])
def test_no_metadata_survives(kind: str, voice: list[AudioFrame], tmp_path: Path) -> None:
    tagged = corpus.encode(voice, kind, tags=corpus.TAGS)
    assert all(value.encode() in tagged for value in corpus.TAGS.values())

    recording = processed(tagged, tmp_path)

    for value in [*corpus.TAGS.values(), "Lavf", "Lavc"]:
        assert value.encode() not in recording.data
    path = tmp_path / "stored.m4a"
    path.write_bytes(recording.data)
    with av.open(str(path)) as stored:
        assert set(stored.metadata) <= {"major_brand", "minor_version", "compatible_brands"}
        assert "encoder" not in stored.streams.audio[0].metadata


def test_the_same_upload_gives_the_same_bytes(voice: list[AudioFrame], tmp_path: Path) -> None:
    upload = corpus.encode(voice, "webm")
    first, again = tmp_path / "first", tmp_path / "again"  # a retry, in another spool file
    first.mkdir()
    again.mkdir()

    assert processed(upload, first).data == processed(upload, again).data


def test_silence_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UnprocessableAudio, match="could not hear anything"):
        processed(corpus.encode(corpus.silence(), "wav"), tmp_path)


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64),
        "Era uma vez uma árvore que adorava música.\n".encode() * 20,
    ],
    ids=["empty", "png", "text"],
)
def test_what_is_not_a_recording_is_unsupported(data: bytes, tmp_path: Path) -> None:
    path = tmp_path / "reading.mp3"
    path.write_bytes(data)
    with pytest.raises(UnsupportedAudio):
        process_audio(path, max_seconds=MAX_SECONDS)


def test_an_accepted_container_with_a_foreign_codec_is_unsupported(
    voice: list[AudioFrame], tmp_path: Path
) -> None:
    with pytest.raises(UnsupportedAudio, match="mp3"):
        processed(corpus.foreign(voice), tmp_path)


def test_a_video_without_sound_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UnprocessableAudio, match="no sound"):
        processed(corpus.picture_only(), tmp_path)


def test_half_an_mp4_is_refused(voice: list[AudioFrame], tmp_path: Path) -> None:
    whole = corpus.encode(voice, "m4a")
    # Written in one go, its index (moov) comes last: the first half cannot be played.
    assert top_level_boxes(whole)[-1] == b"moov"

    with pytest.raises(UnprocessableAudio, match="damaged or incomplete"):
        processed(whole[: len(whole) // 2], tmp_path)


def test_half_a_webm_is_what_it_holds(voice: list[AudioFrame], tmp_path: Path) -> None:
    whole = corpus.encode(voice, "webm")

    recording = processed(whole[: len(whole) // 2], tmp_path)

    assert_stored_form(recording, tmp_path)
    assert 0.5 < recording.duration_seconds < SPOKEN_SECONDS - 0.5


@pytest.mark.parametrize("kind", list(corpus.FORMATS))
def test_longer_than_the_limit_is_refused(
    kind: str, voice: list[AudioFrame], tmp_path: Path
) -> None:
    with pytest.raises(RecordingTooLong):
        processed(corpus.encode(voice, kind), tmp_path, max_seconds=3)


def test_the_limit_is_counted_while_decoding_when_the_header_says_nothing(
    voice: list[AudioFrame], tmp_path: Path
) -> None:
    live = corpus.encode(voice, "webm", streamed=True)  # as a browser records it
    path = tmp_path / "live.webm"
    path.write_bytes(live)
    with av.open(str(path)) as source:
        assert source.duration is None

    with pytest.raises(RecordingTooLong):
        processed(live, tmp_path, max_seconds=3)


def test_a_wav_claiming_ten_hours_is_refused_by_its_header(
    voice: list[AudioFrame], tmp_path: Path
) -> None:
    wav = bytearray(corpus.encode(voice, "wav"))
    data = wav.index(b"data")
    claimed = 10 * 3600 * 48_000 * 2  # 16-bit mono at 48 kHz
    struct.pack_into("<I", wav, data + 4, claimed)
    struct.pack_into("<I", wav, 4, claimed + data + 4)

    with pytest.raises(RecordingTooLong):
        processed(bytes(wav), tmp_path, max_seconds=180)
