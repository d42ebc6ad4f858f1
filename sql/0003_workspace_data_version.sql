-- 0003_workspace_data_version: a counter per workspace that every write
-- transaction touching the workspace's data raises once, so that answers
-- computed from that data can be cached and reused until it changes.

ALTER TABLE workspaces ADD COLUMN data_version BIGINT NOT NULL DEFAULT 0;
