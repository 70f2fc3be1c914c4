// The HTTP application: parse, call, answer. Everything it needs comes in as dependencies.
import { randomUUID } from 'node:crypto';
import express from 'express';
import { logger } from '../infra/logger';
import type { ApiDependencies } from './context';
import { mount, openApiDocument } from './http';
import { errorMiddleware, notFoundMiddleware } from './problems';
import { caseRoutes } from './routes/cases';
import { mountDocs } from './routes/docs';
import { entityRoutes } from './routes/entities';
import { healthRoutes } from './routes/health';
import { notificationRoutes } from './routes/notifications';
import { officerRoutes } from './routes/officers';

export function createApp(dependencies: ApiDependencies) {
  const routes = [
    ...healthRoutes(dependencies),
    ...entityRoutes(dependencies),
    ...officerRoutes(dependencies),
    ...caseRoutes(dependencies),
    ...notificationRoutes(dependencies),
  ];
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use((req, res, next) => {
    const requestId = req.header('x-request-id')?.slice(0, 100) || randomUUID();
    res.setHeader('x-request-id', requestId);
    const started = performance.now();
    res.on('finish', () => {
      logger.info('request', {
        requestId,
        method: req.method,
        path: req.originalUrl,
        status: res.statusCode,
        ms: Math.round(performance.now() - started),
      });
    });
    next();
  });
  app.use(express.json({ limit: '256kb', type: ['application/json', 'application/*+json'] }));

  const router = express.Router();
  mount(router, routes);
  mountDocs(
    router,
    openApiDocument(routes, {
      title: '双随机一公开 案件管理 API / Double-random inspection case management API',
      version: '0.1.0',
      description: '金坛区商务局“双随机一公开”抽查案件管理 / Jintan District Commerce Bureau',
    }),
  );
  app.use(router);
  app.use(notFoundMiddleware);
  app.use(errorMiddleware);
  return app;
}
