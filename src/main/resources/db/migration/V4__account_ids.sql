-- Accounts get an immutable id, and what belongs to an account is tied to it rather than to its name, so a
-- name registered again after a deletion inherits nothing: not the old tokens (they carry the id), not the
-- rooms the old account created, not its memberships. Portable between H2 2.x and PostgreSQL.

-- The id is made by the hub (a random UUID) for new accounts; existing ones get one derived from their key.
ALTER TABLE users ADD COLUMN account_id VARCHAR(64);
UPDATE users SET account_id = 'v2-' || name_key;
ALTER TABLE users ALTER COLUMN account_id SET NOT NULL;
CREATE UNIQUE INDEX users_account_id ON users (account_id);

-- The UTS #39 confusable skeleton of the name (see auth/Names.java), unique, so a look-alike of a registered
-- name is one indexed lookup away. Computed by the hub: rows from before this migration are filled in at
-- start-up (NULLs do not clash in a unique index, on either database).
ALTER TABLE users ADD COLUMN skeleton VARCHAR(512);
CREATE UNIQUE INDEX users_skeleton ON users (skeleton);

-- A room's creator by account. A creator whose account is gone leaves the room owned by nobody living:
-- only an admin can manage it then. The creator column keeps the name as it was, for the record.
ALTER TABLE rooms ADD COLUMN creator_id VARCHAR(64);
UPDATE rooms SET creator_id = (SELECT u.account_id FROM users u WHERE u.name_key = LOWER(rooms.creator));

-- Members by account; memberships of names nobody holds any more are dropped.
ALTER TABLE room_members ADD COLUMN account_id VARCHAR(64);
UPDATE room_members SET account_id = (SELECT u.account_id FROM users u WHERE u.name_key = LOWER(room_members.username));
DELETE FROM room_members WHERE account_id IS NULL;
CREATE INDEX room_members_account ON room_members (account_id);
