-- 0002_search_and_facets: a case-folded copy of each competitor's name, so
-- that search and the duplicate-name check ignore case in any script (the
-- databases' own case-insensitive matching covers ASCII only); and indexes
-- that let the account filters' value lists (facets) jump from one distinct
-- value to the next instead of reading every account.

ALTER TABLE competitors ADD COLUMN search_text TEXT NOT NULL DEFAULT '';
CREATE INDEX competitors_by_search ON competitors (workspace_id, search_text);
CREATE INDEX accounts_by_segment ON accounts (workspace_id, segment);
CREATE INDEX accounts_by_industry ON accounts (workspace_id, industry);
CREATE INDEX accounts_by_region ON accounts (workspace_id, region);
