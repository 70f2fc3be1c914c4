// The API describes itself: /openapi.json from the route declarations, /docs as interactive Swagger UI.
import express, { type Router } from 'express';
import { absolutePath } from 'swagger-ui-dist';

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
