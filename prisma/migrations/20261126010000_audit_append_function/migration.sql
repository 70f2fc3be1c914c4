-- Appending to the audit chain (R20) in one statement from the application:
--   select append_audit_entry(lock_audit_chain(), at, actor, action, target, reason, data, canonical JSON)
-- The argument takes the chain's advisory lock before the function runs, and the function, a volatile SQL
-- function, reads the last hash with a snapshot taken after that (a new one per query), so it sees the previous
-- holder's entry. The lock is held for the statement and its commit only, never across round trips to a busy
-- application. The hash is the one domain/auditChain.ts computes: sha256 of the previous hash, a newline and
-- the canonical JSON of the content, which the caller passes.
-- (The migration runner splits on semicolons, so the bodies are single statements in single quotes.)
CREATE FUNCTION lock_audit_chain() RETURNS BOOLEAN
LANGUAGE sql VOLATILE AS 'SELECT true FROM pg_advisory_xact_lock(20181042)';

CREATE FUNCTION append_audit_entry(
    p_locked BOOLEAN,
    p_at TIMESTAMPTZ,
    p_actor TEXT,
    p_action TEXT,
    p_target TEXT,
    p_reason TEXT,
    p_data JSONB,
    p_canonical TEXT
) RETURNS TEXT
LANGUAGE sql VOLATILE AS '
    WITH prev AS (SELECT coalesce((SELECT hash FROM "AuditEntry" ORDER BY seq DESC LIMIT 1), repeat(''0'', 64)) AS hash)
    INSERT INTO "AuditEntry" (at, actor, action, target, reason, data, "prevHash", hash)
    SELECT p_at, p_actor, p_action, p_target, p_reason, p_data, prev.hash,
        encode(sha256(convert_to(prev.hash || chr(10) || p_canonical, ''UTF8'')), ''hex'')
    FROM prev
    RETURNING hash
';
