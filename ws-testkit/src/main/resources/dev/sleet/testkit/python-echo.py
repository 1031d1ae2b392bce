# An echo server on Python's websockets package, for Sleet's client interoperability tests (see
# InteropEchoServer). Binds 127.0.0.1 port 0 and prints "LISTENING <port> python websockets <version>".
import asyncio
import signal
import sys

import websockets
from websockets.extensions.permessage_deflate import ServerPerMessageDeflateFactory


async def echo(ws, path=None):
    extensions = ws.response_headers.get("Sec-WebSocket-Extensions", "")
    try:
        async for message in ws:
            if isinstance(message, str):
                if message == "ext?":
                    await ws.send(extensions)
                    continue
                if message.startswith("close:"):
                    parts = message[6:].split(":", 1)
                    await ws.close(int(parts[0]), parts[1] if len(parts) > 1 else "")
                    return
            await ws.send(message)
    except websockets.ConnectionClosed:
        pass


async def main():
    stop = asyncio.get_running_loop().create_future()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set_result, None)
    deflate = ServerPerMessageDeflateFactory(
        server_no_context_takeover=False,
        client_no_context_takeover=False,
        server_max_window_bits=None,
        client_max_window_bits=None,
    )
    async with websockets.serve(echo, "127.0.0.1", 0, max_size=64 * 1024 * 1024, max_queue=64,
                                extensions=[deflate], compression=None, ping_interval=None) as server:
        port = server.sockets[0].getsockname()[1]
        print("LISTENING %d python websockets %s" % (port, websockets.__version__), flush=True)
        await stop


asyncio.run(main())
