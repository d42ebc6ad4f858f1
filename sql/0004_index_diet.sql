-- 0004_index_diet: indexes that cost every account write more than they give
-- back, and one narrow index instead. The created_at order is the id order
-- (ids grow with creation and created_at never changes), so lists sorted by
-- creation walk accounts_by_workspace, whose entries are in id order within
-- a workspace and are appended at its end by inserts; nothing filters or
-- sorts by owner through an index; and the filter value lists (facets) of
-- segment, industry and region read the workspace's accounts once through
-- accounts_by_workspace (GROUP BY), tens of milliseconds at 100k accounts:
-- cheap for a drop-down, while each of their indexes slowed every write.

CREATE INDEX accounts_by_workspace ON accounts (workspace_id);
DROP INDEX accounts_by_created;
DROP INDEX accounts_by_owner;
DROP INDEX accounts_by_segment;
DROP INDEX accounts_by_industry;
DROP INDEX accounts_by_region;
