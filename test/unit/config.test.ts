import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, loadConnectedConfig } from '../../config';

describe('configuration from the environment', () => {
  it('applies the embedded defaults when nothing is set', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ API_PORT: 3000, TEMPORAL_NAMESPACE: 'default', TEMPORAL_TASK_QUEUE: 'inspection-cases' });
    expect(config.DATABASE_URL).toBeUndefined();
  });

  it('names the variable, the value and the reason in one line', () => {
    expect(() => loadConfig({ API_PORT: 'eighty' })).toThrowError(/^Configuration error: API_PORT="eighty": /);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrowError(/DATABASE_URL="mysql:\/\/x": must be a postgresql:/);
    expect(() => loadConfig({ TEMPORAL_ADDRESS: 'localhost' })).toThrowError(/TEMPORAL_ADDRESS="localhost": must be host:port/);
    try {
      loadConfig({ API_PORT: '70000', LOG_LEVEL: 'loud' });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).not.toContain('\n');
      expect((error as Error).message).toMatch(/LOG_LEVEL.*API_PORT|API_PORT.*LOG_LEVEL/);
    }
  });

  it('never echoes a secret, even a wrong one', () => {
    expect(() => loadConfig({ AUTH_TOKEN_SECRET: 'hunter2' })).toThrowError('Configuration error: AUTH_TOKEN_SECRET: must be at least 32 characters');
  });

  it('requires half-configured mTLS to be completed', () => {
    expect(() => loadConfig({ TEMPORAL_TLS_CERT_PATH: '/x.pem' })).toThrowError(/TEMPORAL_TLS_CERT_PATH and TEMPORAL_TLS_KEY_PATH/);
  });

  it('the worker and API roles need their database and Temporal server named', () => {
    expect(() => loadConnectedConfig({})).toThrowError(/DATABASE_URL and TEMPORAL_ADDRESS not set/);
    const connected = { DATABASE_URL: 'postgresql://u@h:5432/d', TEMPORAL_ADDRESS: 'h:7233' };
    // R8 R20: both roles also hold the key that seals draw seeds until their run.
    expect(() => loadConnectedConfig(connected)).toThrowError(/DRAW_SEED_KEY not set/);
    expect(() => loadConnectedConfig({ ...connected, DRAW_SEED_KEY: 'not hex' })).toThrowError('Configuration error: DRAW_SEED_KEY: must be 64 hexadecimal digits (32 bytes)');
    expect(loadConnectedConfig({ ...connected, DRAW_SEED_KEY: 'ab'.repeat(32) }).TEMPORAL_ADDRESS).toBe('h:7233');
  });
});
