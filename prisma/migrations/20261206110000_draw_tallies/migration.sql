-- What a draw counts for R5 and R7 is kept on the entity and officer rows as cases come and go, so that a freeze over
-- a million entities reads each row as it lies instead of counting the year of cases again (issue 17: the freeze
-- within 3 s). Each row keeps the latest China calendar year it has cases in and how many it has in that year:
--   Entity: random inspections (origin random) opened in "randomInspectionsYear";
--   Officer: cases of any origin opened in "participationsYear" whose team names the officer (each case once).
-- A freeze in that year reads the number; in a later year, 0; in an earlier one (a freeze as of the past), it counts
-- the cases as before (activities/drawPool.ts). Kept exact by triggers on every insert, update and delete of a
-- case, whoever makes it: the opening activity, a reassignment, a recusal, a bulk load.
--
-- Why this stays exact: with S the year kept and n the number, no case lies in a year after S and n cases lie in S.
-- A case added in year y > S leaves it alone in y, so (y, 1); in S, n + 1; before S, nothing changes. A case
-- removed from S makes n - 1; from before S, nothing changes. An update is the case removed as it was and added as
-- it is.

ALTER TABLE "Entity" ADD COLUMN "randomInspectionsYear" INTEGER, ADD COLUMN "randomInspections" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "Officer" ADD COLUMN "participationsYear" INTEGER, ADD COLUMN "participations" INTEGER NOT NULL DEFAULT 0;

-- The complaints of the past year (R6), found without reading every case.
CREATE INDEX "InspectionCase_origin_openedAt_idx" ON "InspectionCase"("origin", "openedAt");

-- The China calendar year (UTC+8, no daylight saving) of a moment, as the freeze writes the start of its year.
CREATE FUNCTION china_year(at TIMESTAMPTZ) RETURNS INTEGER LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT extract(year FROM (at AT TIME ZONE 'UTC') + interval '8 hours')::integer $$;

-- One case as it is (+1) or as it was (-1).
CREATE TYPE case_tally_change AS ("entityId" UUID, origin "CaseOrigin", "openedAt" TIMESTAMPTZ, team TEXT[], delta INTEGER);

-- The net change to each entity and year, and to each officer and year. Only nonzero ones: a change that comes to
-- nothing (a team member kept through a reassignment, the entity of a case whose team alone changed) locks no row.
-- A net change of 0 in a year can leave the kept year and number as they were: a case removed and added in one year.
CREATE FUNCTION case_tally_entity_changes(changes case_tally_change[]) RETURNS TABLE (id UUID, year INTEGER, delta INTEGER)
LANGUAGE sql STABLE AS $$
  SELECT c."entityId", china_year(c."openedAt"), sum(c.delta)::integer
  FROM unnest(changes) c WHERE c.origin = 'random'
  GROUP BY 1, 2 HAVING sum(c.delta) <> 0
$$;

-- A team names an officer by the text of its id, and a case counts once per officer however often its team names
-- them (as `o.id::text = any(team)` counted them).
CREATE FUNCTION case_tally_officer_changes(changes case_tally_change[]) RETURNS TABLE (id UUID, year INTEGER, delta INTEGER)
LANGUAGE sql STABLE AS $$
  SELECT m.officer::uuid, china_year(c."openedAt"), sum(c.delta)::integer
  FROM unnest(changes) c, LATERAL (SELECT DISTINCT t.officer FROM unnest(c.team) t(officer)) m
  WHERE m.officer ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
  GROUP BY 1, 2 HAVING sum(c.delta) <> 0
$$;

-- The year and number a row keeps after changes of (years[i], deltas[i]), given the year and number it kept: the
-- rule of the header, in one place for entities and officers.
CREATE FUNCTION case_tally_after(kept_year INTEGER, kept INTEGER, years INTEGER[], deltas INTEGER[], OUT new_year INTEGER, OUT new_n INTEGER)
LANGUAGE sql IMMUTABLE AS $$
  WITH net AS (SELECT y, d FROM unnest(years, deltas) AS c(y, d)),
       top AS (SELECT max(y) FILTER (WHERE d > 0) AS y FROM net)
  SELECT
    CASE WHEN top.y > coalesce(kept_year, top.y - 1) THEN top.y ELSE kept_year END,
    CASE WHEN top.y > coalesce(kept_year, top.y - 1) THEN (SELECT sum(d) FROM net WHERE y = top.y)::integer
         ELSE kept + coalesce((SELECT sum(d) FROM net WHERE y = kept_year), 0)::integer END
  FROM top
$$;

-- Applies changes to the rows they concern, locked first in id order so that two cases changing the same officers
-- at once wait for each other instead of deadlocking (NO KEY UPDATE: as an update takes them, which lets foreign
-- keys to these rows be checked meanwhile).
CREATE FUNCTION apply_case_tally_changes(changes case_tally_change[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF cardinality(changes) = 0 THEN RETURN; END IF;
  PERFORM 1 FROM "Entity" e
  WHERE e.id IN (SELECT id FROM case_tally_entity_changes(changes))
  ORDER BY e.id FOR NO KEY UPDATE;

  WITH changed AS (
    SELECT id, array_agg(year) AS years, array_agg(delta) AS deltas FROM case_tally_entity_changes(changes) GROUP BY id
  ), kept AS (
    SELECT e.id, after.new_year, after.new_n
    FROM "Entity" e
    JOIN changed c ON c.id = e.id,
    LATERAL case_tally_after(e."randomInspectionsYear", e."randomInspections", c.years, c.deltas) after
  )
  UPDATE "Entity" e SET "randomInspectionsYear" = k.new_year, "randomInspections" = k.new_n
  FROM kept k
  WHERE e.id = k.id AND (e."randomInspectionsYear", e."randomInspections") IS DISTINCT FROM (k.new_year, k.new_n);

  PERFORM 1 FROM "Officer" o WHERE o.id IN (SELECT id FROM case_tally_officer_changes(changes)) ORDER BY o.id FOR NO KEY UPDATE;

  WITH changed AS (
    SELECT id, array_agg(year) AS years, array_agg(delta) AS deltas FROM case_tally_officer_changes(changes) GROUP BY id
  ), kept AS (
    SELECT o.id, after.new_year, after.new_n
    FROM "Officer" o
    JOIN changed c ON c.id = o.id,
    LATERAL case_tally_after(o."participationsYear", o."participations", c.years, c.deltas) after
  )
  UPDATE "Officer" o SET "participationsYear" = k.new_year, "participations" = k.new_n
  FROM kept k
  WHERE o.id = k.id AND (o."participationsYear", o."participations") IS DISTINCT FROM (k.new_year, k.new_n);
END $$;

CREATE FUNCTION tally_case_changes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM apply_case_tally_changes(array(
      SELECT ROW(n."entityId", n.origin, n."openedAt", n.team, 1)::case_tally_change FROM new_cases n));
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM apply_case_tally_changes(array(
      SELECT ROW(o."entityId", o.origin, o."openedAt", o.team, -1)::case_tally_change FROM old_cases o));
  ELSE
    -- Most updates change the status of a case: only those changing what is counted count.
    PERFORM apply_case_tally_changes(array(
      SELECT ROW(o."entityId", o.origin, o."openedAt", o.team, -1)::case_tally_change
      FROM old_cases o JOIN new_cases n ON n.id = o.id
      WHERE (o."entityId", o.origin, o."openedAt", o.team) IS DISTINCT FROM (n."entityId", n.origin, n."openedAt", n.team)
      UNION ALL
      SELECT ROW(n."entityId", n.origin, n."openedAt", n.team, 1)::case_tally_change
      FROM old_cases o JOIN new_cases n ON n.id = o.id
      WHERE (o."entityId", o.origin, o."openedAt", o.team) IS DISTINCT FROM (n."entityId", n.origin, n."openedAt", n.team)));
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER "InspectionCase_tally_insert" AFTER INSERT ON "InspectionCase"
  REFERENCING NEW TABLE AS new_cases FOR EACH STATEMENT EXECUTE FUNCTION tally_case_changes();
CREATE TRIGGER "InspectionCase_tally_update" AFTER UPDATE ON "InspectionCase"
  REFERENCING OLD TABLE AS old_cases NEW TABLE AS new_cases FOR EACH STATEMENT EXECUTE FUNCTION tally_case_changes();
CREATE TRIGGER "InspectionCase_tally_delete" AFTER DELETE ON "InspectionCase"
  REFERENCING OLD TABLE AS old_cases FOR EACH STATEMENT EXECUTE FUNCTION tally_case_changes();

-- The cases already there, 50,000 at a time (one array of them all would meet the limit on the size of one value).
DO $$
DECLARE
  last UUID;
  batch case_tally_change[];
BEGIN
  LOOP
    SELECT array_agg(ROW(c."entityId", c.origin, c."openedAt", c.team, 1)::case_tally_change), (array_agg(c.id ORDER BY c.id))[count(*)]
    INTO batch, last
    FROM (SELECT * FROM "InspectionCase" WHERE last IS NULL OR id > last ORDER BY id LIMIT 50000) c;
    EXIT WHEN batch IS NULL;
    PERFORM apply_case_tally_changes(batch);
  END LOOP;
END $$;
