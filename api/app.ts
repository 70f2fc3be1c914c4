// The HTTP application: parse, call, answer. Everything it needs comes in as dependencies.
import { createHmac, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import express, { type Express } from 'express';
import helmet from 'helmet';
import type { Client } from '@temporalio/client';
import type { ApiConfig } from '../config';
import { caseTimingFrom } from '../config/caseTiming';
import type { Db } from '../db/client';
import { logger } from '../infra/logger';
import { projectRoot } from '../infra/paths';
import { auditVerifyingKeyFrom, checkpointFileOf } from '../services/auditCheckpoints';
import { sealingKey } from '../infra/sealing';
import { LoginThrottle } from '../services/auth';
import type { ApiDependencies } from './context';
import { mount, openApiDocument } from './http';
import { Metrics } from './metrics';
import { answerMalformedRequest, errorMiddleware, notFoundMiddleware } from './problems';
import { authRoutes } from './routes/auth';
import { calendarRoutes } from './routes/calendar';
import { documentRoutes } from './routes/documents';
import { directoryFileUploads } from './routes/directoryFiles';
import { caseRoutes } from './routes/cases';
import { dashboardRoutes } from './routes/dashboard';
import { mountDocs } from './routes/docs';
import { drawRoutes } from './routes/draws';
import { entityRoutes } from './routes/entities';
import { exportRoutes } from './routes/exports';
import { healthRoutes } from './routes/health';
import { notificationRoutes } from './routes/notifications';
import { officerRoutes } from './routes/officers';
import { planRoutes } from './routes/plans';
import { oversightRoutes } from './routes/oversight';
import { anonymousRateLimit, authentication, cors, jsonBodiesOnly, noStoreForCredentials } from './security';
import { webRoutes } from './web';

export function apiDependenciesFrom(config: ApiConfig, db: Db, temporal: Client): ApiDependencies {
  return {
    db,
    temporal,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    caseTiming: caseTimingFrom(config),
    deliverNotifications: Boolean(config.NOTIFICATION_WEBHOOK_URL),
    auth: {
      tokenSecret: config.AUTH_TOKEN_SECRET,
      accessTokenTtlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
      refreshTokenTtlDays: config.REFRESH_TOKEN_TTL_DAYS,
      loginMaxFailures: config.LOGIN_MAX_FAILURES,
      loginLockMinutes: config.LOGIN_LOCK_MINUTES,
    },
    throttle: new LoginThrottle(db, config.LOGIN_MAX_FAILURES, config.LOGIN_LOCK_MINUTES * 60),
    metrics: new Metrics(),
    corsOrigins: config.CORS_ORIGINS,
    publicRateLimitPerMinute: config.PUBLIC_RATE_LIMIT_PER_MINUTE,
    audit: auditVerificationFrom(config),
    trustProxy: config.TRUST_PROXY,
    drawSeedKey: sealingKey(config.DRAW_SEED_KEY),
    participationThresholds: {
      minOfficersShare: config.PARTICIPATION_MIN_OFFICERS_SHARE,
      minTaskShare: config.PARTICIPATION_MIN_TASK_SHARE,
    },
  };
}

/** The API checks checkpoints with the public key only; the signing key stays with the worker. */
function auditVerificationFrom(config: ApiConfig) {
  const dataDir = path.resolve(projectRoot, config.DATA_DIR);
  return { verifyingKey: auditVerifyingKeyFrom(config, dataDir), checkpointFile: checkpointFileOf(config, dataDir) };
}

export function apiRoutes(dependencies: ApiDependencies) {
  return [
    ...healthRoutes(dependencies),
    ...authRoutes(dependencies),
    ...entityRoutes(dependencies),
    ...officerRoutes(dependencies),
    ...caseRoutes(dependencies),
    ...drawRoutes(dependencies),
    ...planRoutes(dependencies),
    ...notificationRoutes(dependencies),
    ...oversightRoutes(dependencies),
    ...dashboardRoutes(dependencies),
    ...exportRoutes(),
    ...calendarRoutes(dependencies),
    ...documentRoutes(dependencies),
  ];
}

/** The API on a port, as `npm run api` and the tests serve it. */
export function listenApi(app: Express, port: number, host: string): Server {
  const server = createServer(app);
  server.on('clientError', answerMalformedRequest);
  return server.listen(port, host);
}

export function createApp(dependencies: ApiDependencies): Express {
  const routes = apiRoutes(dependencies);
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.set('trust proxy', dependencies.trustProxy);
  app.use((req, res, next) => {
    const requestId = req.header('x-request-id')?.slice(0, 100) || randomUUID();
    res.setHeader('x-request-id', requestId);
    const started = performance.now();
    res.on('finish', () => {
      const seconds = (performance.now() - started) / 1000;
      const route = req.route?.path ?? 'unmatched';
      dependencies.metrics.observeRequest(req.method, route, res.statusCode, seconds);
      if (req.method === 'POST' && route === '/cases' && res.statusCode === 201) dependencies.metrics.increment('case_workflows_started_total');
      logger.info('request', {
        requestId,
        method: req.method,
        path: req.originalUrl,
        status: res.statusCode,
        ms: Math.round(seconds * 1000),
        user: req.principal?.id,
        caseId: req.originalUrl.match(/^\/cases\/([0-9a-f-]{36})/)?.[1],
      });
    });
    next();
  });
  app.use(helmet({ contentSecurityPolicy: { directives: { 'script-src': ["'self'"], 'img-src': ["'self'", 'data:'] } } }));
  app.use(cors(dependencies.corsOrigins));
  app.use(noStoreForCredentials);
  // The web application's pages and assets are public files: no token, and no place in the anonymous quota.
  app.use(webRoutes());
  // Who is calling is known before any body is read: a stranger is limited first, and never has a file read.
  app.use(authentication(dependencies));
  app.use(anonymousRateLimit(dependencies.db, dependencies.publicRateLimitPerMinute));
  app.use(jsonBodiesOnly);
  // Bulk imports (every directory's `…/import`) and list exports carry whole files, for those signed in; everything
  // else stays small.
  const bulkJson = express.json({ limit: '20mb' });
  const carriesFile = (req: express.Request) => req.principal !== undefined && req.method === 'POST' && (req.path.endsWith('/import') || req.path === '/exports');
  app.use((req, res, next) => (carriesFile(req) ? bulkJson(req, res, next) : next()));
  app.use((req, res, next) => (req.principal ? directoryFileUploads(req, res, next) : next()));
  app.use(express.json({ limit: '256kb', type: ['application/json', 'application/*+json'] }));

  const router = express.Router();
  mount(router, routes, dependencies.db, createHmac('sha256', dependencies.auth.tokenSecret).update('idempotency request hash').digest('hex'));
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
