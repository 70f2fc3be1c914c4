// The API describes itself: /openapi.json from the route declarations, /docs as interactive Swagger UI.
import { createRequire } from 'node:module';
import express, { type Router } from 'express';

// The package's own entry also loads Swagger UI's browser bundle into this process (some 40 MB it never runs):
// only the function that says where the files lie.
const absolutePath = createRequire(import.meta.url)('swagger-ui-dist/absolute-path.js') as () => string;

const page = `<!doctype html>
<html lang="zh-CN">
<head><meta charset="utf-8"><title>双随机一公开 API 文档</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css"></head>
<body><div id="docs"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script>
</body></html>`;

// A separate file rather than an inline script, so the Content-Security-Policy can forbid inline scripts.
const init = "window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#docs', persistAuthorization: true });";

export function mountDocs(router: Router, document: object): void {
  router.get('/openapi.json', (_req, res) => {
    res.json(document);
  });
  router.use('/docs/assets', express.static(absolutePath(), { index: false }));
  router.get('/docs/init.js', (_req, res) => {
    res.type('application/javascript').send(init);
  });
  router.get('/docs', (_req, res) => {
    res.type('html').send(page);
  });
}
