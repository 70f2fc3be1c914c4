// The web application (web/) served by the API process itself: its TypeScript is bundled once, in memory, when
// the app is created, so there is no build step to forget and no stale bundle to serve.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import express, { type Router } from 'express';
import { projectRoot } from '../infra/paths';

interface Asset {
  type: string;
  body: Buffer;
  etag: string;
}

let assets: Map<string, Asset> | undefined;

function asset(type: string, body: Buffer | string): Asset {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
  return { type, body: bytes, etag: `"${createHash('sha256').update(bytes).digest('base64url').slice(0, 22)}"` };
}

function buildAssets(): Map<string, Asset> {
  const webRoot = join(projectRoot, 'web');
  const bundle = buildSync({
    entryPoints: [join(webRoot, 'src/main.ts')],
    bundle: true,
    format: 'esm',
    target: 'es2022',
    minify: true,
    write: false,
    legalComments: 'none',
  });
  const html = readFileSync(join(webRoot, 'index.html'));
  return new Map([
    ['/', asset('text/html; charset=utf-8', html)],
    ['/disclosure', asset('text/html; charset=utf-8', html)],
    ['/disclosure/draws', asset('text/html; charset=utf-8', html)],
    ['/assets/app.js', asset('text/javascript; charset=utf-8', Buffer.from(bundle.outputFiles[0]!.contents))],
    ['/assets/app.css', asset('text/css; charset=utf-8', readFileSync(join(webRoot, 'app.css')))],
  ]);
}

/** The staff application at `/`, the public disclosure site at `/disclosure` (and its draws), and their two assets. */
export function webRoutes(): Router {
  assets ??= buildAssets();
  const router = express.Router();
  for (const [path, { type, body, etag }] of assets) {
    router.get(path, (req, res) => {
      res.setHeader('cache-control', 'no-cache');
      res.setHeader('etag', etag);
      if (req.header('if-none-match') === etag) {
        res.status(304).end();
        return;
      }
      res.type(type).send(body);
    });
  }
  return router;
}
