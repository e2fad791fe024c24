"""TranslateStream: many concurrent streams share one bounded pool of translating threads
(beside each stream's own thread, which translates the item it answers next), and each still
gets every answer in request order (a bad item's ItemError in its place)."""

from __future__ import annotations

import threading

from gateway._proto import document_pb2, translation_pb2
from gateway.server.translation import TranslationServicer

from .conftest import STEEL

STREAMS = 8
ITEMS = 6
WORKERS = 2


class _Context:
    def is_active(self) -> bool:
        return True


def _items(stream: int) -> list[translation_pb2.TranslateStreamRequest]:
    good = document_pb2.Document(format_id="cn-jjj-json", media_type="application/json", content=STEEL.read_bytes())
    bad = document_pb2.Document(format_id="cn-jjj-json", content=b'{"not": "a declaration"')
    return [translation_pb2.TranslateStreamRequest(request_id=f"{stream}-{n}", document=bad if n % 3 == 1 else good,
                                                   target_format_id="pact-v3") for n in range(ITEMS)]


def test_concurrent_streams_answer_in_order_on_a_bounded_pool() -> None:
    translating: set[threading.Thread] = set()  # the threads themselves: an ident may be reused
    lock = threading.Lock()

    class Counting(TranslationServicer):
        def _stream_item(self, item):
            with lock:
                translating.add(threading.current_thread())
            return super()._stream_item(item)

    servicer = Counting(workers=WORKERS)
    answers: dict[int, list[translation_pb2.TranslateStreamResponse]] = {}
    opened = threading.Barrier(STREAMS, timeout=30)

    def stream(k: int) -> None:
        opened.wait()
        answers[k] = list(servicer.TranslateStream(iter(_items(k)), _Context()))

    threads = [threading.Thread(target=stream, args=(k,)) for k in range(STREAMS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not any(t.is_alive() for t in threads), "a stream never finished"
    for k in range(STREAMS):
        assert [a.request_id for a in answers[k]] == [i.request_id for i in _items(k)]
        assert [a.WhichOneof("result") for a in answers[k]] == [
            "error" if n % 3 == 1 else "translation" for n in range(ITEMS)]
        assert all(a.error.reason for a in answers[k] if a.WhichOneof("result") == "error")
    pooled = translating - set(threads)  # the others are the streams' own threads
    assert all(t.name.startswith("fpgw-stream") for t in pooled)
    assert 0 < len(pooled) <= WORKERS
    servicer.close()
    assert not any(t.is_alive() for t in translating)


def test_a_stopped_gateway_ends_its_stream_threads(tmp_path) -> None:
    import grpc

    from gateway._proto import translation_pb2_grpc
    from gateway.server import ServerConfig, StoreConfig, create_server

    gateway, port = create_server(ServerConfig(address="127.0.0.1:0",
                                               store=StoreConfig(url=str(tmp_path / "g.sqlite"))).check())
    gateway.start()
    before = set(threading.enumerate())
    seen: set[threading.Thread] = set()

    def requests(stream: int):
        yield from _items(stream)
        # Asked for more, the stream is still open: its reader thread is alive, waiting for it,
        # and so is any pool thread an item read ahead has started (whether one has is the
        # scheduler's choice, so it is collected, not required).
        seen.update(t for t in threading.enumerate() if t not in before and t.name.startswith("fpgw-stream"))

    def stream(stub, k: int) -> None:
        answers[k] = list(stub.TranslateStream(requests(k)))

    answers: dict[int, list] = {}
    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        stub = translation_pb2_grpc.TranslationServiceStub(channel)
        threads = [threading.Thread(target=stream, args=(stub, k)) for k in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
    assert sorted(len(a) for a in answers.values()) == [ITEMS] * 4
    assert any(t.name == "fpgw-stream-reader" for t in seen)
    gateway.stop(0)
    started = seen | {t for t in threading.enumerate() if t not in before and t.name.startswith("fpgw-stream")}
    for t in started:
        t.join(5)  # a reader may still be returning from its last put
    assert not [t.name for t in started if t.is_alive()]
