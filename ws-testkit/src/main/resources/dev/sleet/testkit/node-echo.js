// An echo server on Node's ws package, for Sleet's client interoperability tests (see InteropEchoServer).
// Binds 127.0.0.1 port 0 and prints "LISTENING <port> node ws <version>" when it serves.
'use strict';
const { WebSocketServer } = require('ws');
const wsVersion = require('ws/package.json').version;

const wss = new WebSocketServer({
  host: '127.0.0.1',
  port: 0,
  maxPayload: 64 * 1024 * 1024,
  // threshold 0: every message is compressed when deflate is agreed, so a client's inflater sees them all; the
  // other options are left unset, which accepts whatever parameters the client offers
  perMessageDeflate: { threshold: 0 },
});

// 'headers' comes just before the 101 is written, for the same request 'connection' then reports.
wss.on('headers', (headers, req) => {
  const line = headers.find((h) => /^sec-websocket-extensions:/i.test(h));
  req.sleetExtensions = line ? line.substring(line.indexOf(':') + 1).trim() : '';
});

wss.on('connection', (ws, req) => {
  ws.on('message', (data, isBinary) => {
    if (!isBinary) {
      const text = data.toString('utf8');
      if (text === 'ext?') {
        ws.send(req.sleetExtensions || '');
        return;
      }
      if (text.startsWith('close:')) {
        const rest = text.substring(6);
        const colon = rest.indexOf(':');
        const code = parseInt(colon < 0 ? rest : rest.substring(0, colon), 10);
        ws.close(code, colon < 0 ? '' : rest.substring(colon + 1));
        return;
      }
    }
    ws.send(data, { binary: isBinary });
  });
  ws.on('error', (e) => console.log('connection error: ' + e.message));
});

wss.on('listening', () => console.log('LISTENING ' + wss.address().port + ' node ws ' + wsVersion));
wss.on('error', (e) => { console.log('server error: ' + e.message); process.exit(1); });
process.on('SIGTERM', () => { wss.close(); process.exit(0); });
