"""Turn an uploaded page recording into the one file MagicShelf stores: mono AAC-LC in MP4.

Accepted, judged by the first bytes only: WebM (Opus or Vorbis), MP4/M4A (AAC or ALAC, as
iPhones record), Ogg (Opus or Vorbis), MP3 and WAV (PCM). The sniffed container's demuxer
is the only one FFmpeg may use, so a file cannot steer it into one of the hundreds of
other formats it parses; an accepted container holding another codec is refused too (415).
A video (a teacher filming the child read, on a phone) is accepted: its first audio track
is kept and the picture dropped, because refusing would only send her to a converter app.

What is done to the sound, in two passes over the file (decoded twice rather than held:
3 minutes of 48 kHz float are 35 MB, and decoding audio is cheap):

1. Measure: mix down to mono at 48 kHz, EBU R128 integrated loudness and true peak
   (FFmpeg's ``ebur128``), and the RMS level of every 50 ms window (``astats``).
2. Trim the leading and trailing silence, and only those. Levels are judged relative to
   the recording itself, not to a fixed dBFS, since a phone's hiss, a classroom's hum and
   a whisper all differ by tens of dB: a 50 ms window is sound when it is 10 dB above the
   background (the quietest tenth of the windows) and within 35 dB of the integrated
   loudness, and always when within 15 dB of it. 0.1 s is kept before the first sound
   and 0.2 s after the last, so onsets and decaying word ends are not clipped. Pauses in
   the middle stay: they are the child's reading.
3. Normalise with one constant gain to -16 LUFS integrated, the usual target for speech
   heard on phones and laptop speakers (streaming platforms' -14 needs more limiting,
   broadcast's -23 is too quiet next to other apps). One gain cannot pump, unlike
   ``loudnorm``'s dynamic mode, which its linear mode falls back to whenever the gain
   would lift peaks past the ceiling. Instead, peaks above -2 dBFS go through a
   look-ahead limiter (5 ms attack, 50 ms release), and never more than 6 dB of them:
   a recording whose peaks would need more is left quieter than the target rather than
   squashed. The ceiling sits below the -1.5 dBTP usually asked for, leaving room for
   what the AAC encoder adds between samples (the tests measure the output's true peak).
   Below -55 LUFS there is nothing to lift (an empty room, a muted microphone): 422.
4. Encode once: AAC-LC, mono, 48 kHz (what phones and Opus record, so most uploads are
   not resampled), 64 kbit/s, in MP4 with the index first (``faststart``), so a phone
   starts playing before the whole file arrives. Measured on a minute of synthetic
   speech (bench/audio.py): 48 kbit/s gives 375 kB/min, 64 kbit/s 500 kB/min, 96 kbit/s
   734 kB/min. 64 is the lowest rate at which FFmpeg's own AAC encoder (not the best at
   low rates) is commonly held transparent for one voice in mono; 96 would cost half as
   much again for nothing a phone speaker plays. Three minutes (the default limit) make
   about 1.5 MB; one job takes ~0.9 s of CPU and ~8 MB over the imports per minute.

Nothing of the upload but its sound survives: no tags, chapters or cover art are copied,
and the muxer and encoder run bit-exact, so no "encoder" tag and no creation time are
written either. The same upload therefore always gives the same bytes (a retry stores the
same content-addressed key).

Length limits: the header's claim is checked before decoding (the stream or container
duration; for WAV the data chunk's own size, since FFmpeg quietly trims that to the file:
a WAV whose header claims 10 hours is refused as too long, even if the bytes behind it
are fewer). Decoding then counts samples and stops at the limit plus 1 s (recorders stop
a moment late, and codecs add tens of milliseconds of padding). A file cut short is taken
as what it holds when its container plays as a stream (WebM, Ogg, MP3, WAV): the teacher
hears the shorter recording in the studio. An MP4 without its index cannot be played at
all and is refused (422), as is anything a decoder calls damaged.
"""

from __future__ import annotations

import io
import math
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import BinaryIO

import av
import av.filter
from av.audio.frame import AudioFrame
from av.audio.stream import AudioStream
from av.codec.context import Flags
from av.container import InputContainer

from magicshelf.errors import RecordingTooLong, UnprocessableAudio, UnsupportedAudio
from magicshelf.illustrations.upload import SPOOL_PREFIX

SAMPLE_RATE = 48_000
BIT_RATE = 64_000
TARGET_LOUDNESS = -16.0  # LUFS, integrated
LIMITER_CEILING = -2.0  # dBFS, sample peak
MAX_LIMITING = 6.0  # dB
QUIETEST_LOUDNESS = -55.0  # LUFS
# Sound is a window that is louder than the background by 10 dB, or less than 35 dB below
# the voice's loudness, whichever is stricter, and never more than 15 dB below it.
SOUND_ABOVE_BACKGROUND = 10.0
SOUND_BELOW_LOUDNESS_MAX = 35.0
SOUND_BELOW_LOUDNESS_MIN = 15.0
WINDOW = SAMPLE_RATE // 20  # 50 ms
LEAD = SAMPLE_RATE // 10
TAIL = SAMPLE_RATE // 5
LIMIT_TOLERANCE_SECONDS = 1.0
MAX_CHANNELS = 8
SAMPLE_RATES = range(8_000, 192_001)

_DOWNMIX = (
    ("aresample", f"{SAMPLE_RATE}"),
    ("aformat", f"sample_fmts=flt:sample_rates={SAMPLE_RATE}:channel_layouts=mono"),
)
_AUDIO_ERRORS = (av.FFmpegError, ValueError)
_RECORD_AGAIN = "Please record the page again, or send the original file from the phone."
_SILENCE = (
    "We could not hear anything in this recording. Check that the microphone is on, "
    "hold the phone closer and record the page again."
)


@dataclass(frozen=True)
class Recording:
    data: bytes  # AAC-LC in MP4 ("m4a"), moov before mdat (faststart), no metadata
    duration_seconds: float  # of the processed (trimmed) audio


@dataclass(frozen=True)
class _Container:
    name: str  # for people
    demuxer: str  # the FFmpeg demuxer forced on the file
    codecs: frozenset[str]


_WEBM = _Container("WebM", "matroska", frozenset({"opus", "vorbis"}))
_MP4 = _Container("MP4", "mp4", frozenset({"aac", "alac"}))
_OGG = _Container("Ogg", "ogg", frozenset({"opus", "vorbis"}))
_MP3 = _Container("MP3", "mp3", frozenset({"mp3"}))
_PCM = frozenset({"pcm_u8", "pcm_s16le", "pcm_s24le", "pcm_s32le", "pcm_f32le", "pcm_f64le"})
_WAV = _Container("WAV", "wav", _PCM)


@dataclass(frozen=True)
class _Plan:
    """What the measuring pass decided for the encoding pass (samples at 48 kHz)."""

    start: int
    end: int
    gain_db: float


def process_audio(path: Path, *, max_seconds: int) -> Recording:
    """The stored recording made from the upload at ``path``, or the problem with it."""
    with path.open("rb") as file:
        container = _sniff(file.read(12))
        if container is _WAV:
            claimed = _wav_claimed_seconds(file)
            if claimed is not None and claimed > max_seconds + LIMIT_TOLERANCE_SECONDS:
                raise RecordingTooLong(max_seconds)

    def decoded() -> Iterator[AudioFrame]:
        return _decoded(path, container, max_seconds)

    try:
        plan = _measure(decoded())
        return _encode(decoded(), plan, path.parent)
    except _AUDIO_ERRORS as error:
        raise UnprocessableAudio(
            f"This {container.name} file is damaged or incomplete. {_RECORD_AGAIN}"
        ) from error


def _sniff(head: bytes) -> _Container:
    if head.startswith(b"\x1a\x45\xdf\xa3"):  # EBML, the start of every Matroska file
        return _WEBM
    if head[4:8] == b"ftyp":
        return _MP4
    if head.startswith(b"OggS"):
        return _OGG
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return _WAV
    # An ID3v2 tag, or an MPEG audio frame header of layer III (the layer bits are 01).
    if head.startswith(b"ID3") or (
        len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0 and head[1] & 0x06 == 0x02
    ):
        return _MP3
    raise UnsupportedAudio(
        "Send the recording as the phone or browser made it: WebM, MP4 (M4A), Ogg, MP3 or WAV."
    )


def _wav_claimed_seconds(file: BinaryIO) -> float | None:
    """How long the data chunk says it plays, or None when the header does not say."""
    byte_rate = 0
    for _ in range(64):  # a WAV has a handful of chunks; a thousand is an attack
        header = file.read(8)
        if len(header) < 8:
            return None
        kind, size = header[:4], int.from_bytes(header[4:], "little")
        if kind == b"data":
            # 0 and 0xFFFFFFFF are what streaming writers leave when they cannot seek back.
            return size / byte_rate if byte_rate and size not in (0, 0xFFFF_FFFF) else None
        if kind == b"fmt ":
            body = file.read(min(size, 16))
            byte_rate = int.from_bytes(body[8:12], "little")
            size -= len(body)
        file.seek(size + (size & 1), io.SEEK_CUR)  # chunks are padded to even sizes
    return None


def _decoded(path: Path, container: _Container, max_seconds: int) -> Iterator[AudioFrame]:
    """The first audio stream's frames, timestamped by their sample count from 0."""
    with av.open(str(path), format=container.demuxer, metadata_errors="ignore") as source:
        stream = _audio_stream(source, container, max_seconds)
        limit = max_seconds + LIMIT_TOLERANCE_SECONDS
        shape: tuple[str, str, int] | None = None
        samples = 0
        for frame in source.decode(stream):
            frame_shape = (frame.format.name, frame.layout.name, frame.sample_rate)
            if shape is None:
                shape = frame_shape
            elif frame_shape != shape:
                # The filter graph is built for one shape; files stitched from several
                # recordings are the only ones that change midway.
                raise UnprocessableAudio(
                    "This recording changes its sound format midway. " + _RECORD_AGAIN
                )
            frame.pts = samples
            frame.time_base = Fraction(1, frame.sample_rate)
            samples += frame.samples
            if samples > limit * frame.sample_rate:
                raise RecordingTooLong(max_seconds)
            yield frame


def _audio_stream(source: InputContainer, container: _Container, max_seconds: int) -> AudioStream:
    if not source.streams.audio:
        raise UnprocessableAudio(
            f"This {container.name} file has no sound in it. Record the page with the "
            "phone's voice recorder or camera and send that file."
        )
    stream = source.streams.audio[0]
    codec = stream.codec_context.codec.canonical_name
    if codec not in container.codecs:
        raise UnsupportedAudio(
            f"This {container.name} file holds {codec} sound, which MagicShelf does not take. "
            "Send the recording as the phone or browser made it."
        )
    if stream.channels > MAX_CHANNELS or stream.sample_rate not in SAMPLE_RATES:
        raise UnprocessableAudio(
            f"This recording has {stream.channels} channels at {stream.sample_rate} Hz, "
            "which is not what a phone or a computer records. " + _RECORD_AGAIN
        )
    if _claimed_seconds(source, stream) > max_seconds + LIMIT_TOLERANCE_SECONDS:
        raise RecordingTooLong(max_seconds)
    return stream


def _claimed_seconds(source: InputContainer, stream: AudioStream) -> float:
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    if source.duration is not None:
        return source.duration / av.time_base
    return 0.0  # not said (a browser's WebM): counting the decoded samples has to do


def _filtered(
    frames: Iterator[AudioFrame], chain: Sequence[tuple[str, str]]
) -> Iterator[AudioFrame]:
    """``frames`` through the FFmpeg filters of ``chain``, built for the first frame's shape."""
    graph: av.filter.Graph | None = None
    for frame in frames:
        if graph is None:
            graph = av.filter.Graph()
            source = graph.add_abuffer(
                format=frame.format.name,
                sample_rate=frame.sample_rate,
                layout=frame.layout.name,
                time_base=frame.time_base,
            )
            filters = [graph.add(name, args) for name, args in chain]
            graph.link_nodes(source, *filters, graph.add("abuffersink"))
            graph.configure()
        try:
            graph.push(frame)
        except av.EOFError:  # atrim has all it wants: the rest need not be decoded
            break
        yield from _pulled(graph)
    else:
        if graph is None:
            raise UnprocessableAudio(_SILENCE)
        graph.push(None)
    yield from _pulled(graph)


def _pulled(graph: av.filter.Graph) -> Iterator[AudioFrame]:
    while True:
        try:
            frame = graph.pull()
        except (av.BlockingIOError, av.EOFError):
            return
        assert isinstance(frame, AudioFrame)
        yield frame


def _measure(frames: Iterator[AudioFrame]) -> _Plan:
    levels: list[float] = []  # RMS of each 50 ms window, dBFS
    loudness: dict[str, str] = {}
    chain = (
        *_DOWNMIX,
        ("ebur128", "metadata=1:peak=true"),
        ("asetnsamples", f"n={WINDOW}:p=0"),
        ("astats", "metadata=1:reset=1:measure_perchannel=none:measure_overall=RMS_level"),
    )
    for window in _filtered(frames, chain):
        levels.append(float(window.metadata["lavfi.astats.Overall.RMS_level"]))
        if "lavfi.r128.I" in window.metadata:  # running values: the last ones are the file's
            loudness = window.metadata
    integrated = float(loudness["lavfi.r128.I"])
    if integrated < QUIETEST_LOUDNESS:
        raise UnprocessableAudio(_SILENCE)
    # The background is what the quietest tenth of the windows hold (the silence around
    # the voice, or its softest moments when there is none).
    background = sorted(levels)[len(levels) // 10]
    threshold = min(
        integrated - SOUND_BELOW_LOUDNESS_MIN,
        max(integrated - SOUND_BELOW_LOUDNESS_MAX, background + SOUND_ABOVE_BACKGROUND),
    )
    sound = [index for index, level in enumerate(levels) if level > threshold]
    if not sound:
        raise UnprocessableAudio(_SILENCE)
    peak = _decibels(float(loudness["lavfi.r128.true_peak"]))
    gain = min(TARGET_LOUDNESS - integrated, LIMITER_CEILING + MAX_LIMITING - peak)
    return _Plan(
        start=max(0, sound[0] * WINDOW - LEAD),
        end=min(len(levels) * WINDOW, (sound[-1] + 1) * WINDOW + TAIL),
        gain_db=gain,
    )


def _decibels(amplitude: float) -> float:
    return 20 * math.log10(amplitude) if amplitude > 0 else -math.inf


def _encode(frames: Iterator[AudioFrame], plan: _Plan, directory: Path) -> Recording:
    chain = (
        *_DOWNMIX,
        ("atrim", f"start_sample={plan.start}:end_sample={plan.end}"),
        ("volume", f"volume={plan.gain_db:.4f}dB:precision=float"),
        (
            "alimiter",
            f"limit={10 ** (LIMITER_CEILING / 20):.6f}:attack=5:release=50:level=0:latency=1",
        ),
        ("aformat", "sample_fmts=fltp"),
    )
    # faststart moves the index by reading the file back, which needs a real file. It sits
    # next to the upload, named like a spooled one, so gc sweeps it if the worker is killed.
    with tempfile.NamedTemporaryFile(prefix=SPOOL_PREFIX, suffix=".m4a", dir=directory) as file:
        samples = 0
        with av.open(
            file.name,
            "w",
            format="ipod",
            container_options={"movflags": "+faststart", "fflags": "+bitexact"},
        ) as output:
            stream = output.add_stream("aac", rate=SAMPLE_RATE, layout="mono")
            stream.bit_rate = BIT_RATE
            stream.codec_context.flags |= Flags.bitexact
            for frame in _filtered(frames, chain):
                frame.pts = samples
                samples += frame.samples
                output.mux(stream.encode(frame))
            output.mux(stream.encode(None))
        data = Path(file.name).read_bytes()
    return Recording(data=data, duration_seconds=samples / SAMPLE_RATE)
