-- 0012_attachments: files attached to the requests of the dialog window
-- (src/core/attachment.h): a scan of an invoice, a photo of a damaged
-- delivery, a spreadsheet. The bytes live in the database, never in local
-- files, because several application nodes share one database.
--
-- One row per file. uploader says who sent it: a member of the workspace
-- (user_id) or the client's person through the portal (portal_user_id).
-- message_id is NULL while the file hangs on the request itself, and names
-- the message it was sent with once attached to one. internal = 1: staff
-- only, never shown on the portal (like an internal note). name is the
-- cleaned file name shown to people and sent in Content-Disposition;
-- content_type comes from an allow-list and was detected from the bytes,
-- never taken from the client; size is in bytes and sha256 is the hex
-- digest of the bytes (the ETag of a download). The bytes themselves are
-- kept as base64 text (data_base64): the database layer binds and reads
-- text, and so does the copy between engines (src/core/copy.c). The column
-- is last so that lists of a request's files read only the columns before
-- it.
CREATE TABLE request_attachments (
  id @ID@,
  workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
  request_id BIGINT NOT NULL REFERENCES requests(id),
  message_id BIGINT REFERENCES request_messages(id),
  uploader TEXT NOT NULL CHECK (uploader IN ('staff', 'client')),
  user_id BIGINT REFERENCES users(id),
  portal_user_id BIGINT REFERENCES portal_users(id),
  internal INTEGER NOT NULL DEFAULT 0 CHECK (internal IN (0, 1)),
  name TEXT NOT NULL,
  content_type TEXT NOT NULL,
  size BIGINT NOT NULL CHECK (size > 0),
  sha256 TEXT NOT NULL,
  created_at TEXT NOT NULL,
  data_base64 TEXT NOT NULL,
  CHECK (internal = 0 OR uploader = 'staff')
);
CREATE INDEX request_attachments_by_request ON request_attachments (workspace_id, request_id, id);
