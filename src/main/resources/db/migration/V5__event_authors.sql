-- Who wrote an event, by account id, so only that account (not a later holder of its name) may edit or
-- delete its messages. NULL for guests, who have no account. Portable between H2 2.x and PostgreSQL.
ALTER TABLE room_events ADD COLUMN author_id VARCHAR(64);

-- Events from before this migration: the account that holds the author's name now, as V4 did for rooms.
-- Events of names nobody holds stay without an author: only an admin can delete those.
UPDATE room_events SET author_id = (SELECT u.account_id FROM users u WHERE u.name_key = LOWER(room_events.username))
  WHERE guest = FALSE;
