// A real local HTTP server standing in for the public credit platform (公共信用信息平台): it records what it
// receives, and can be taken down and brought back.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';

export interface ReceivedPush {
  headers: IncomingHttpHeaders;
  body: string;
}

export async function startCreditPlatform() {
  const received: ReceivedPush[] = [];
  const seenKeys = new Set<string>();
  let refusing = false;
  let refusedAttempts = 0;
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      if (refusing) {
        refusedAttempts += 1;
        res.writeHead(503).end('platform under maintenance');
        return;
      }
      const key = String(req.headers['idempotency-key']);
      // A real platform drops a repeated key; the test counts what it accepted.
      if (!seenKeys.has(key)) received.push({ headers: req.headers, body });
      seenKeys.add(key);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"accepted":true}');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/credit/records`,
    received,
    refusedAttempts: () => refusedAttempts,
    goDown: () => {
      refusing = true;
    },
    comeBack: () => {
      refusing = false;
    },
    close: async () => {
      server.close();
      server.closeAllConnections();
    },
  };
}
